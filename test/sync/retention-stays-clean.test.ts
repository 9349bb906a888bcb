import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { StorageManager } from '../../src/files/storage-manager';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type AdapterKind, useDevices } from '../helpers/device';
import { serverSnapshot } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

const DAY = 86_400_000;

/**
 * Issue 13, "retention cleanup is undone by the next sync": records `clean` deleted locally came
 * back when their own push echo was pulled afterwards (and, with the pull's late-write window,
 * whenever they are read again). A cleaned record stays cleaned on that device, while it stays on
 * the server; newer records still arrive.
 */
describe.each<AdapterKind>(['sqlite', 'loki'])('retention cleanup on %s', (adapter) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter });

  it('is not undone by the next sync: old records stay cleaned here and kept on the server', async () => {
    const user = uniqueUserId('retention');
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const phone = await device(user, 'phone', { clock });
    const tablet = await device(user, 'tablet', { clock });
    const admin = testClients('retention');
    try {
      const old = await phone.sync.store.create('health_data', [
        {
          data_type: 'steps',
          value: 1200,
          unit: 'count',
          source: 'phone',
          recorded_at: clock.now(),
        },
        {
          data_type: 'steps',
          value: 900,
          unit: 'count',
          source: 'phone',
          recorded_at: clock.now(),
        },
      ]);
      // The phone pushes, but does not pull its own echoes yet (the tablet's old record either).
      await phone.sync.syncCollection('health_data');
      const [tabletOld] = await tablet.sync.store.create('health_data', [
        { data_type: 'sleep', value: 7, unit: 'h', source: 'watch', recorded_at: clock.now() },
      ]);
      await tablet.sync.syncAll();

      clock.advance(40 * DAY);
      const cleaned = await new StorageManager(
        phone.opened.database,
        { databaseFile: null, cacheDir: tempDir(), mediaDir: tempDir() },
        clock,
      ).clearOldData(30);
      expect(cleaned.deletedCount).toBe(2);
      const [fresh] = await tablet.sync.store.create('health_data', [
        { data_type: 'steps', value: 42, unit: 'count', source: 'phone', recorded_at: clock.now() },
      ]);
      await tablet.sync.syncAll();

      const first = await phone.sync.syncAll();
      const second = await phone.sync.syncAll();
      expect(first.pulled + second.pulled).toBe(1);
      expect(first.conflicts).toEqual([]);
      expect(first.collections.health_data?.retired).toBe(3); // two echoes, the tablet's old one
      const local = (await phone.opened.database.get('health_data').query().fetch()).map(
        (r) => r.id,
      );
      expect(local).toEqual([fresh]);
      const server = await serverSnapshot(admin.firestore, user, ['health_data']);
      expect(Object.keys(server.health_data).sort()).toEqual([...old, tabletOld, fresh].sort());
    } finally {
      await admin.close();
      await closeAll();
    }
  });
});
