import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import type { Sdk } from '../../src/core/sdk';
import { rawOf } from '../../src/db/raw-update';
import type { Decision } from '../../src/sync/conflict-resolver';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type AdapterKind, type TestDevice, useDevices } from '../helpers/device';
import {
  countWithStatus,
  deviceSnapshot,
  queueSize,
  serverSnapshot,
  statusesOf,
} from '../helpers/inspect';
import { grpcError, interceptRemote } from '../helpers/intercept-remote';
import { skewedClock } from '../helpers/skewed-clock';
import { useTempDir } from '../helpers/temp-dir';

// One regression test per defect of the app's current design (../shared/DESIGN.md), run on
// both local adapters and through both SDKs (firebase-admin; the app's own, signed in as the
// user with the rules enforced) against the real Firestore emulator.
const NOTE = { type: 'diary', content: 'first draft', title: 'Monday' };

describe.each<[AdapterKind, Sdk]>([
  ['sqlite', 'admin'],
  ['loki', 'admin'],
  ['sqlite', 'client'],
  ['loki', 'client'],
])('sync defects on %s through the %s SDK', (adapter, sdk) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter, sdk });
  async function field(d: TestDevice, table: 'text_notes', id: string, column: string) {
    return rawOf(await d.opened.database.get(table).find(id))[column];
  }

  it('defect 1 (push-only): a device pulls what another device of the user pushed, edited and deleted', async () => {
    const user = uniqueUserId();
    const a = await device(user, 'a');
    const b = await device(user, 'b');
    try {
      const [keep, drop] = await a.sync.store.create('text_notes', [
        NOTE,
        { ...NOTE, title: 'to delete' },
      ]);
      await a.sync.syncAll();
      const first = await b.sync.syncAll();
      expect(first.pulled).toBe(2);
      await a.sync.store.update('text_notes', keep, { content: 'second draft' });
      await a.sync.store.delete('text_notes', [drop]);
      await a.sync.syncAll();
      const second = await b.sync.syncAll();
      expect(second.pulled).toBe(2);
      expect(await field(b, 'text_notes', keep, 'content')).toBe('second draft');
      expect(await deviceSnapshot(b)).toEqual(await deviceSnapshot(a));
    } finally {
      await closeAll();
    }
  });

  it('defect 2 (lost update): a record edited while its push is in flight stays pending and goes up in the next pass', async () => {
    const user = uniqueUserId();
    let edit: (() => Promise<void>) | null = null;
    const a = await device(user, 'a', {
      wrapRemote: (real) =>
        interceptRemote(real, {
          async beforeCommit() {
            const run = edit;
            edit = null;
            await run?.();
          },
        }),
    });
    const b = await device(user, 'b');
    try {
      const [id] = await a.sync.store.create('text_notes', [NOTE]);
      edit = () => a.sync.store.update('text_notes', id, { content: 'typed during upload' });
      const first = await a.sync.syncAll();
      expect(first.pushed).toBe(1);
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('pending');
      expect(await queueSize(a)).toBe(1);
      await a.sync.syncAll();
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('synced');
      await b.sync.syncAll();
      expect(await field(b, 'text_notes', id, 'content')).toBe('typed during upload');
    } finally {
      await closeAll();
    }
  });

  it('defect 3 (blind overwrite): a write based on a version the server no longer has is refused and handled as a conflict', async () => {
    const user = uniqueUserId();
    let interleave: (() => Promise<unknown>) | null = null;
    const a = await device(user, 'a', { strategy: 'merge' });
    const b = await device(user, 'b', {
      strategy: 'merge',
      wrapRemote: (real) =>
        interceptRemote(real, {
          async beforeCommit() {
            const run = interleave;
            interleave = null;
            await run?.();
          },
        }),
    });
    try {
      const [id] = await a.sync.store.create('text_notes', [NOTE]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await a.sync.store.update('text_notes', id, { title: 'title from a' });
      await b.sync.store.update('text_notes', id, { content: 'content from b' });
      // a's write lands between b's pull and b's push: only the server can notice.
      interleave = () => a.sync.syncAll();
      const result = await b.sync.syncAll();
      expect(result.conflicts).toHaveLength(1);
      expect(result.conflicts[0]).toMatchObject({
        collection: 'text_notes',
        id,
        strategy: 'merge',
        outcome: 'merged',
        phase: 'push',
      });
      await a.sync.syncAll();
      const { firestore, close } = testClients();
      try {
        const server = await serverSnapshot(firestore, user, ['text_notes']);
        expect(server.text_notes[id]).toMatchObject({
          title: 'title from a',
          content: 'content from b',
        });
      } finally {
        await close();
      }
      expect(await deviceSnapshot(a)).toEqual(await deviceSnapshot(b));
    } finally {
      await closeAll();
    }
  });

  it('defect 4 (client clocks decide): a device whose clock is hours off neither wins nor loses a conflict because of it', async () => {
    // The same story twice, once with a's clock 6 hours ahead and once 6 hours behind: the field
    // both devices change ends up with the value of the device that reached the server last.
    for (const skewHours of [6, -6]) {
      const user = uniqueUserId();
      const base = new VirtualClock();
      const a = await device(user, 'a', {
        strategy: 'merge',
        clock: skewedClock(base, skewHours * 3_600_000),
      });
      const b = await device(user, 'b', { strategy: 'merge', clock: base });
      try {
        const [id] = await a.sync.store.create('text_notes', [NOTE]);
        await a.sync.syncAll();
        await b.sync.syncAll();
        await a.sync.store.update('text_notes', id, { content: `a (clock ${skewHours}h)` });
        await b.sync.store.update('text_notes', id, { content: 'b (true clock)' });
        await a.sync.syncAll(); // a reaches the server first
        const result = await b.sync.syncAll(); // b second: the later write
        expect(result.conflicts[0]).toMatchObject({
          fields: expect.arrayContaining(['content']),
          outcome: 'merged',
        });
        await a.sync.syncAll();
        expect(await field(a, 'text_notes', id, 'content')).toBe('b (true clock)');
        expect(await field(b, 'text_notes', id, 'content')).toBe('b (true clock)');
      } finally {
        await closeAll();
      }
    }
  });

  it('defect 4 (client clocks decide): a device whose clock is behind still pulls every change (checkpoints are server time)', async () => {
    const user = uniqueUserId();
    const base = new VirtualClock();
    const a = await device(user, 'a', { clock: base });
    const b = await device(user, 'b', { clock: skewedClock(base, -48 * 3_600_000) });
    try {
      await a.sync.store.create('text_notes', [NOTE]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await a.sync.store.create('text_notes', [{ ...NOTE, title: 'later' }]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      expect(Object.keys((await deviceSnapshot(b)).text_notes)).toHaveLength(2);
    } finally {
      await closeAll();
    }
  });

  it('defect 5 (deletes never sync): a local delete becomes a tombstone that deletes on every other device', async () => {
    const user = uniqueUserId();
    const a = await device(user, 'a');
    const b = await device(user, 'b');
    const c = await device(user, 'c');
    try {
      const ids = await a.sync.store.create('text_notes', [NOTE, { ...NOTE, title: 'second' }]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await c.sync.syncAll();
      await b.sync.store.delete('text_notes', [ids[0]]);
      const pushed = await b.sync.syncAll();
      expect(pushed.deleted).toBe(1);
      await a.sync.syncAll();
      await c.sync.syncAll();
      for (const d of [a, b, c])
        expect(Object.keys((await deviceSnapshot(d)).text_notes)).toEqual([ids[1]]);
      const { firestore, close } = testClients();
      try {
        const tombstone = (await firestore.collection('text_notes').doc(ids[0]).get()).data();
        expect(tombstone).toMatchObject({ user_id: user, _deleted: true, _device: 'b' });
        expect(tombstone?.content).toBeUndefined(); // a tombstone keeps no personal data
      } finally {
        await close();
      }
    } finally {
      await closeAll();
    }
  });

  it.each([
    ['remote-wins', 'deleted'],
    ['local-wins', 'restored'],
    ['merge', 'restored'],
  ] as const)(
    'defect 5: delete on one device versus edit on another, %s: the record ends %s everywhere',
    async (strategy, expected) => {
      const user = uniqueUserId();
      const a = await device(user, 'a', { strategy });
      const b = await device(user, 'b', { strategy });
      try {
        const [id] = await a.sync.store.create('text_notes', [NOTE]);
        await a.sync.syncAll();
        await b.sync.syncAll();
        await a.sync.store.delete('text_notes', [id]);
        await b.sync.store.update('text_notes', id, { content: 'edited offline' });
        await a.sync.syncAll(); // the delete reaches the server first
        const result = await b.sync.syncAll(); // the edit meets the tombstone
        expect(result.conflicts).toHaveLength(1);
        await a.sync.syncAll();
        for (const d of [a, b]) {
          const notes = (await deviceSnapshot(d)).text_notes;
          if (expected === 'deleted') expect(notes[id]).toBeUndefined();
          else expect(notes[id]).toMatchObject({ content: 'edited offline' });
        }
        expect(await queueSize(a)).toBe(0);
        expect(await queueSize(b)).toBe(0);
      } finally {
        await closeAll();
      }
    },
  );

  it('defect 6 (states never set): a record goes pending → syncing → synced, a permanent failure parks it in error, and a retry brings it back', async () => {
    const user = uniqueUserId();
    const seen: string[] = [];
    let failNext = false;
    let a: TestDevice;
    a = await device(user, 'a', {
      wrapRemote: (real) =>
        interceptRemote(real, {
          async beforeCommit() {
            seen.push(...Object.values(await statusesOf(a, 'text_notes')));
            if (failNext) throw grpcError(3, 'INVALID_ARGUMENT: document is malformed');
          },
        }),
    });
    try {
      const [id] = await a.sync.store.create('text_notes', [NOTE]);
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('pending');
      await a.sync.syncAll();
      expect(seen).toEqual(['syncing']);
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('synced');
      expect(await field(a, 'text_notes', id, 'synced_at')).toBeTypeOf('number');

      failNext = true;
      await a.sync.store.update('text_notes', id, { content: 'cannot be sent' });
      const failed = await a.sync.syncAll();
      expect(failed.success).toBe(false);
      expect(failed.errors[0]).toMatchObject({
        collection: 'text_notes',
        documentId: id,
        kind: 'permanent',
        code: 'invalid-argument',
      });
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('error');
      expect(await a.sync.getStatus()).toMatchObject({ errorCount: 1, pendingCount: 0 });
      const idle = await a.sync.syncAll(); // a parked record is not retried by itself
      expect(idle.pushed + idle.failed).toBe(0);

      failNext = false;
      expect(await a.sync.retryErrors()).toBe(1);
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('pending');
      await a.sync.syncAll();
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('synced');
    } finally {
      await closeAll();
    }
  });

  it('defect 6: a retryable failure is retried with backoff, and after 5 failed passes the record is parked in error, not retried forever', async () => {
    const user = uniqueUserId();
    const clock = new VirtualClock();
    let commits = 0;
    const a = await device(user, 'a', {
      clock,
      random: () => 0,
      wrapRemote: (real) =>
        interceptRemote(real, {
          beforeCommit() {
            commits += 1;
            throw grpcError(14, 'UNAVAILABLE: no connection');
          },
        }),
    });
    try {
      const [id] = await a.sync.store.create('text_notes', [NOTE]);
      for (let pass = 1; pass <= 5; pass += 1) {
        const result = await a.sync.syncAll();
        // The other collections have nothing to push: only text_notes reports, once.
        expect(result.errors).toEqual([
          expect.objectContaining({
            collection: 'text_notes',
            kind: 'retryable',
            code: 'unavailable',
          }),
        ]);
        clock.advance(60_000); // past the per-record backoff
      }
      expect(commits).toBe(25); // 5 passes × 5 attempts (the app's RetryHandler) each
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('error');
      const [row] = await a.opened.database.get('sync_queue').query().fetch();
      expect(rawOf(row)).toMatchObject({
        attempts: 5,
        last_error: expect.stringMatching(/^unavailable/),
      });
    } finally {
      await closeAll();
    }
  });

  it('defect 7 (serial and slow): 1,200 records go up in 3 batch commits and come down in 2 pages', async () => {
    const user = uniqueUserId();
    const writer = await device(user, 'a', { wrapRemote: (real) => interceptRemote(real) });
    const reader = await device(user, 'b', {
      pageSize: 1000,
      wrapRemote: (real) => interceptRemote(real),
    });
    try {
      const rows = Array.from({ length: 1200 }, (_, i) => ({
        data_type: 'steps',
        value: i,
        unit: 'count',
        source: 'phone',
        recorded_at: i,
      }));
      await writer.sync.store.create('health_data', rows);
      const pushed = await writer.sync.syncAll();
      expect(pushed.pushed).toBe(1200);
      const writeLog = (writer.remote as ReturnType<typeof interceptRemote>).log;
      expect(writeLog.commits.map((c) => `${c.table}:${c.size}`).sort()).toEqual([
        'health_data:200',
        'health_data:500',
        'health_data:500',
      ]);
      const pulled = await reader.sync.syncAll();
      expect(pulled.pulled).toBe(1200);
      const readLog = (reader.remote as ReturnType<typeof interceptRemote>).log;
      expect(readLog.pulls.filter((p) => p.table === 'health_data').map((p) => p.size)).toEqual([
        1000, 200,
      ]);
      expect(await countWithStatus(reader, 'health_data', 'synced')).toBe(1200);
    } finally {
      await closeAll();
    }
  });

  it('defect 8 (ask-user throws): ask-user hands both versions to the decision function and applies its answer', async () => {
    const user = uniqueUserId();
    const asked: Array<{ local: unknown; remote: unknown }> = [];
    const answer: Decision = 'local';
    const a = await device(user, 'a');
    const b = await device(user, 'b', {
      strategy: 'ask-user',
      decide: (conflict) => {
        asked.push({
          local: conflict.local.values?.content,
          remote: conflict.remote.values?.content,
        });
        return answer;
      },
    });
    try {
      const [id] = await a.sync.store.create('text_notes', [NOTE]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await a.sync.store.update('text_notes', id, { content: 'from a' });
      await b.sync.store.update('text_notes', id, { content: 'from b' });
      await a.sync.syncAll();
      const result = await b.sync.syncAll();
      expect(asked).toEqual([{ local: 'from b', remote: 'from a' }]);
      expect(result.conflicts[0]).toMatchObject({
        strategy: 'ask-user',
        decision: 'local',
        outcome: 'kept-local',
      });
      await a.sync.syncAll();
      expect(await field(a, 'text_notes', id, 'content')).toBe('from b');
    } finally {
      await closeAll();
    }
  });

  it('defect 8: without a decision function, ask-user reports the conflict as a failure and changes nothing', async () => {
    const user = uniqueUserId();
    const a = await device(user, 'a');
    const b = await device(user, 'b', { strategy: 'ask-user' });
    try {
      const [id] = await a.sync.store.create('text_notes', [NOTE]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await a.sync.store.update('text_notes', id, { content: 'from a' });
      await b.sync.store.update('text_notes', id, { content: 'from b' });
      await a.sync.syncAll();
      const result = await b.sync.syncAll();
      expect(result.success).toBe(false);
      expect(result.errors.map((e) => e.error).join('\n')).toMatch(
        /needs an answer \(strategy ask-user\)/,
      );
      // Reported as an unanswered conflict in both phases, never as a crashed pull.
      expect(result.errors.map((e) => e.code)).toEqual([
        'unanswered-conflict',
        'unanswered-conflict',
      ]);
      expect(await field(b, 'text_notes', id, 'content')).toBe('from b');
      expect((await statusesOf(b, 'text_notes'))[id]).toBe('pending');
    } finally {
      await closeAll();
    }
  });
});
