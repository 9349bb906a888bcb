import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { rawOf } from '../../src/db/raw-update';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type AdapterKind, openDevice, useDevices } from '../helpers/device';
import { deviceSnapshot, queueSize, serverSnapshot, statusesOf } from '../helpers/inspect';
import { grpcError, interceptRemote } from '../helpers/intercept-remote';
import { useTempDir } from '../helpers/temp-dir';

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const NOTE = { type: 'thought', content: 'an idea', title: null };

describe.each<AdapterKind>(['sqlite', 'loki'])('sync robustness on %s', (adapter) => {
  const tempDir = useTempDir();
  const { devices, device, closeAll } = useDevices(tempDir, { adapter });

  it('a push whose acknowledgement is lost is retried without duplicating or double-applying anything', async () => {
    const user = uniqueUserId();
    let dropAcks = 1;
    const a = await device(user, 'a', {
      random: () => 0,
      wrapRemote: (real) =>
        interceptRemote(real, {
          afterCommit() {
            if (dropAcks > 0) {
              dropAcks -= 1;
              throw grpcError(4, 'DEADLINE_EXCEEDED: reply lost');
            }
          },
        }),
    });
    try {
      const ids = await a.sync.store.create('text_notes', [NOTE, { ...NOTE, content: 'another' }]);
      const first = await a.sync.syncAll();
      expect(first.success).toBe(true);
      expect(first.conflicts).toEqual([]); // its own landed write is recognised, not a conflict
      expect(Object.values(await statusesOf(a, 'text_notes'))).toEqual(['synced', 'synced']);
      expect(await queueSize(a)).toBe(0);

      // Now an update whose reply is lost, with an edit in between the attempts.
      dropAcks = 1;
      await a.sync.store.update('text_notes', ids[0], { content: 'v2' });
      await a.sync.syncAll();
      const { firestore, close } = testClients();
      try {
        const server = await serverSnapshot(firestore, user, ['text_notes']);
        expect(Object.keys(server.text_notes).sort()).toEqual([...ids].sort());
        expect(server.text_notes[ids[0]].content).toBe('v2');
      } finally {
        await close();
      }
      expect(await queueSize(a)).toBe(0);
    } finally {
      await closeAll();
    }
  });

  it('a device that dies between the remote write and the local mark resumes from its durable queue, with nothing doubled', async () => {
    const user = uniqueUserId();
    let committed = false;
    let a = await device(user, 'a', {
      wrapRemote: (real) =>
        interceptRemote(real, {
          // The write has reached the server; the process "dies" before it hears back:
          // nothing after this point ever runs.
          afterCommit: () => {
            committed = true;
            return new Promise<never>(() => {});
          },
        }),
    });
    const ids = await a.sync.store.create('text_notes', [NOTE, { ...NOTE, content: 'second' }]);
    void a.sync.syncAll();
    await waitFor(async () => committed);
    expect(Object.values(await statusesOf(a, 'text_notes'))).toEqual(['syncing', 'syncing']);
    devices.splice(devices.indexOf(a), 1);
    await a.close();
    a = await openDevice({
      userId: user,
      deviceId: 'a',
      adapter,
      dir: tempDir(),
      clock: new VirtualClock(),
    });
    devices.push(a);
    try {
      expect(Object.values(await statusesOf(a, 'text_notes'))).toEqual(['pending', 'pending']);
      const result = await a.sync.syncAll();
      expect(result.success).toBe(true);
      expect(result.conflicts).toEqual([]);
      expect(Object.values(await statusesOf(a, 'text_notes'))).toEqual(['synced', 'synced']);
      expect(await queueSize(a)).toBe(0);
      const { firestore, close } = testClients();
      try {
        const server = await serverSnapshot(firestore, user, ['text_notes']);
        expect(Object.keys(server.text_notes).sort()).toEqual([...ids].sort());
      } finally {
        await close();
      }
    } finally {
      await closeAll();
    }
  });

  it('a record left in syncing by a crash goes back to pending when the device starts', async () => {
    const user = uniqueUserId();
    let a = await device(user, 'a');
    const [id] = await a.sync.store.create('text_notes', [NOTE]);
    const record = await a.opened.database.get('text_notes').find(id);
    await a.opened.database.write(() =>
      record.update(() => Object.assign(rawOf(record), { sync_status: 'syncing' })),
    );
    devices.splice(devices.indexOf(a), 1);
    a = await a.restart();
    devices.push(a);
    try {
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('pending');
      await a.sync.syncAll();
      expect((await statusesOf(a, 'text_notes'))[id]).toBe('synced');
    } finally {
      await closeAll();
    }
  });

  it('one invalid record in a batch is isolated and parked; the rest of the batch is written', async () => {
    const user = uniqueUserId();
    const a = await device(user, 'a', {
      wrapRemote: (real) =>
        interceptRemote(real, {
          beforeCommit(_table, writes) {
            // The "server" refuses any batch holding the poisoned record (like an oversized document).
            if (writes.some((w) => w.set.content === 'poison'))
              throw grpcError(3, 'INVALID_ARGUMENT: too large');
          },
        }),
    });
    try {
      const rows = Array.from({ length: 9 }, (_, i) => ({
        ...NOTE,
        content: i === 4 ? 'poison' : `ok ${i}`,
      }));
      const ids = await a.sync.store.create('text_notes', rows);
      const result = await a.sync.syncAll();
      expect(result.pushed).toBe(8);
      expect(result.failed).toBe(1);
      expect(result.errors[0]).toMatchObject({
        documentId: ids[4],
        kind: 'permanent',
        code: 'too-large',
      });
      const statuses = await statusesOf(a, 'text_notes');
      expect(Object.values(statuses).filter((s) => s === 'synced')).toHaveLength(8);
      expect(statuses[ids[4]]).toBe('error');
    } finally {
      await closeAll();
    }
  });

  it('syncAll while a sync runs returns the app’s "not started" result instead of running twice', async () => {
    const user = uniqueUserId();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a = await device(user, 'a', {
      wrapRemote: (real) => interceptRemote(real, { beforePull: () => gate }),
    });
    try {
      const events: boolean[] = [];
      const unsubscribe = a.sync.onSyncStatusChange((s) => events.push(s.isSyncing));
      const running = a.sync.syncAll();
      await new Promise((resolve) => setImmediate(resolve));
      const second = await a.sync.syncAll();
      expect(second).toMatchObject({
        success: false,
        synced: 0,
        failed: 0,
        errors: [],
        started: false,
        reason: 'a sync is already running',
      });
      release();
      expect((await running).started).toBe(true);
      unsubscribe();
      expect(events[0]).toBe(true);
      expect(events.at(-1)).toBe(false);
    } finally {
      await closeAll();
    }
  });

  it('two devices edit, delete and go offline and online in turns; in the end both and the server hold identical data', async () => {
    const user = uniqueUserId();
    const online = { a: true, b: true };
    const a = await device(user, 'a', { strategy: 'merge', network: { isOnline: () => online.a } });
    const b = await device(user, 'b', { strategy: 'merge', network: { isOnline: () => online.b } });
    try {
      const fromA = await a.sync.store.create('text_notes', [
        NOTE,
        { ...NOTE, content: 'a2' },
        { ...NOTE, content: 'a3' },
      ]);
      await a.sync.syncAll();
      online.a = false;
      await a.sync.store.update('text_notes', fromA[0], { content: 'a edits offline' });
      expect((await a.sync.syncAll()).reason).toBe('offline');
      await b.sync.syncAll();
      await b.sync.store.update('text_notes', fromA[0], { mood: 'calm' });
      await b.sync.store.delete('text_notes', [fromA[1]]);
      const fromB = await b.sync.store.create('location_data', [
        { latitude: 1, longitude: 2, accuracy: 3, recorded_at: 4 },
      ]);
      await b.sync.syncAll();
      online.b = false;
      online.a = true;
      await a.sync.store.update('text_notes', fromA[1], { title: 'edited, but deleted elsewhere' });
      await a.sync.syncAll();
      online.b = true;
      await b.sync.syncAll();
      await a.sync.syncAll();
      const snapA = await deviceSnapshot(a);
      expect(snapA).toEqual(await deviceSnapshot(b));
      const { firestore, close } = testClients();
      try {
        expect(await serverSnapshot(firestore, user)).toEqual(snapA);
      } finally {
        await close();
      }
      expect(snapA.text_notes[fromA[0]]).toMatchObject({
        content: 'a edits offline',
        mood: 'calm',
      });
      expect(snapA.location_data[fromB[0]]).toBeDefined();
      expect(await queueSize(a)).toBe(0);
      expect(await queueSize(b)).toBe(0);
    } finally {
      await closeAll();
    }
  });
});
