import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { rawOf } from '../../src/db/raw-update';
import { BackgroundScheduler } from '../../src/sync/background-scheduler';
import { uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { deviceSnapshot, queueSize, statusesOf } from '../helpers/inspect';
import { interceptRemote } from '../helpers/intercept-remote';
import { useTempDir } from '../helpers/temp-dir';

describe('SyncManager', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });

  it('pulls every document of a batch that shares one server time, even when a page boundary falls inside it', async () => {
    const user = uniqueUserId();
    const writer = await device(user, 'w');
    const reader = await device(user, 'r', {
      pageSize: 7,
      wrapRemote: (real) => interceptRemote(real),
    });
    try {
      await writer.sync.store.create(
        'text_notes',
        Array.from({ length: 20 }, (_, i) => ({ type: 'thought', content: `n${i}` })),
      );
      await writer.sync.syncAll(); // one atomic batch: all 20 documents get the same commit time
      const result = await reader.sync.syncAll();
      expect(result.pulled).toBe(20);
      const log = (reader.remote as ReturnType<typeof interceptRemote>).log;
      expect(log.pulls.filter((p) => p.table === 'text_notes').map((p) => p.size)).toEqual([
        7, 7, 6,
      ]);
      expect(await deviceSnapshot(reader)).toEqual(await deviceSnapshot(writer));
    } finally {
      await closeAll();
    }
  });

  it('addToQueue (the app’s API) queues an update or a delete of a record, and syncCollection syncs just that collection', async () => {
    const user = uniqueUserId();
    const a = await device(user, 'a');
    const b = await device(user, 'b');
    try {
      const [note] = await a.sync.store.create('text_notes', [{ type: 'diary', content: 'x' }]);
      const [steps] = await a.sync.store.create('health_data', [
        { data_type: 'steps', value: 1, unit: 'count', source: 'phone', recorded_at: 1 },
      ]);
      const only = await a.sync.syncCollection('text_notes');
      expect(Object.keys(only.collections)).toEqual(['text_notes']);
      expect((await statusesOf(a, 'health_data'))[steps]).toBe('pending');
      await a.sync.syncAll();
      await a.sync.addToQueue({
        collection: 'text_notes',
        documentId: note,
        operation: 'update',
        data: { content: 'via addToQueue', sync_status: 'ignored' },
      });
      await a.sync.addToQueue({
        collection: 'health_data',
        documentId: steps,
        operation: 'delete',
      });
      expect(await queueSize(a)).toBe(2);
      await a.sync.syncAll();
      await b.sync.syncAll();
      const onB = await deviceSnapshot(b);
      expect(onB.text_notes[note].content).toBe('via addToQueue');
      expect(onB.health_data[steps]).toBeUndefined();
      await expect(
        a.sync.addToQueue({
          collection: 'sync_queue' as never,
          documentId: 'x',
          operation: 'update',
        }),
      ).rejects.toThrow(/not a synced collection/);
    } finally {
      await closeAll();
    }
  });

  it('applies a conflict strategy per collection', async () => {
    const user = uniqueUserId();
    const strategy = { text_notes: 'local-wins', health_data: 'remote-wins' } as const;
    const a = await device(user, 'a', { strategy });
    const b = await device(user, 'b', { strategy });
    try {
      const [note] = await a.sync.store.create('text_notes', [{ type: 'diary', content: 'base' }]);
      const [steps] = await a.sync.store.create('health_data', [
        { data_type: 'steps', value: 1, unit: 'count', source: 'phone', recorded_at: 1 },
      ]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await a.sync.store.update('text_notes', note, { content: 'a' });
      await a.sync.store.update('health_data', steps, { value: 100 });
      await b.sync.store.update('text_notes', note, { content: 'b' });
      await b.sync.store.update('health_data', steps, { value: 200 });
      await a.sync.syncAll();
      const result = await b.sync.syncAll();
      expect(result.conflicts.map((c) => [c.collection, c.strategy, c.outcome]).sort()).toEqual([
        ['health_data', 'remote-wins', 'took-remote'],
        ['text_notes', 'local-wins', 'kept-local'],
      ]);
      await a.sync.syncAll();
      for (const d of [a, b]) {
        const snap = await deviceSnapshot(d);
        expect(snap.text_notes[note].content).toBe('b');
        expect(snap.health_data[steps].value).toBe(100);
      }
    } finally {
      await closeAll();
    }
  });

  it('in the background scheduler, six hours with the network off for the first two sync 16 times and drain the queue', async () => {
    const user = uniqueUserId();
    const clock = new VirtualClock();
    let online = false;
    const a = await device(user, 'a', { clock, network: { isOnline: () => online } });
    try {
      await a.sync.store.create('location_data', [
        { latitude: 1, longitude: 2, accuracy: 3, recorded_at: 4 },
      ]);
      const scheduler = new BackgroundScheduler({
        clock,
        constraints: { isOnline: () => online, isBatteryLow: () => false },
        task: () => a.sync.syncAll(),
      });
      const offline = await scheduler.runFor(2 * 3_600_000);
      expect(offline.runs).toBe(0);
      expect(await queueSize(a)).toBe(1);
      online = true;
      const after = await scheduler.runFor(4 * 3_600_000);
      expect(after.runs).toBe(16); // every 15 minutes of virtual time, the first one at once
      expect(await queueSize(a)).toBe(0);
      const [record] = await a.opened.database.get('location_data').query().fetch();
      expect(rawOf(record).sync_status).toBe('synced');
    } finally {
      await closeAll();
    }
  });
});
