import {
  collection,
  doc,
  getDocs,
  limit,
  query,
  setDoc,
  where,
  writeBatch,
} from 'firebase/firestore';
import { describe, expect, it } from 'vitest';
import { documentWrite } from '../src/adapters/firestore-remote';
import { DataGenerator } from '../src/simulate/data-generator';
import { testClients, uniqueUserId } from './helpers/backend';
import { CLIENT_SENTINELS, openClientFirestore } from './helpers/client-sdk';
import { useDevices } from './helpers/device';
import { deviceSnapshot, serverSnapshot } from './helpers/inspect';
import { useTempDir } from './helpers/temp-dir';

/**
 * Issue 13's data loss, as it was found: `serverTimestamp()` is the time the server began a
 * request, not the time its writes became visible. A client's batch of 500 (rules evaluated for
 * each write, seconds on the emulator) is stamped T and lands late; another client's single write,
 * stamped T+ε, lands first. A device that pulls in between used to move its checkpoint past T,
 * and the batch was never pulled: the server held 501 documents, the device 1, and every later
 * sync said "pulled 0".
 */
describe('a write that becomes visible late', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });

  it('is pulled by a device that synced while it was in flight (client SDK batch of 500, rules enforced)', async () => {
    const user = uniqueUserId('late');
    const phone = await device(user, 'phone');
    const client1 = openClientFirestore(user);
    const client2 = openClientFirestore(user);
    const admin = testClients('late-write');
    const generator = new DataGenerator({ seed: 13, mediaDir: tempDir() });
    try {
      // The device of R, seeded and synced.
      await phone.sync.store.create('health_data', [
        await generator.record('health_data', Date.UTC(2026, 10, 1)),
      ]);
      expect((await phone.sync.syncAll()).success).toBe(true);

      // Both clients are connected first (a fresh client's first request waits for its channel).
      for (const client of [client1, client2]) {
        await getDocs(
          query(
            collection(client.firestore, 'health_data'),
            where('user_id', '==', user),
            limit(1),
          ),
        );
      }

      // Client 1: one WriteBatch of 500 wire-format health records, as the engine writes them.
      const batch = writeBatch(client1.firestore);
      for (let i = 0; i < 500; i += 1) {
        const values = await generator.record('health_data', Date.UTC(2026, 10, 2) + i * 1000);
        const id = `late-${i.toString().padStart(3, '0')}`;
        const write = documentWrite(
          {
            id,
            expected: null,
            set: { ...values, user_id: user, created_at: 1, updated_at: 1 },
            remove: [],
            deleted: false,
            changed: [],
          },
          'client-1',
          CLIENT_SENTINELS,
        );
        batch.set(doc(client1.firestore, 'health_data', id), write.data);
      }
      const slow = batch.commit();
      // Client 2: one record a moment later (the run: 41 ms; here 500 ms, for the batch's
      // request to leave a loaded machine first), committed long before the batch.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const single = documentWrite(
        {
          id: 'fast-0',
          expected: null,
          set: {
            ...(await generator.record('health_data', Date.UTC(2026, 10, 3))),
            user_id: user,
            created_at: 1,
            updated_at: 1,
          },
          remove: [],
          deleted: false,
          changed: [],
        },
        'client-2',
        CLIENT_SENTINELS,
      );
      await setDoc(doc(client2.firestore, 'health_data', 'fast-0'), single.data);

      // The device syncs in between: the batch is not visible yet (checked, or the race did
      // not happen and this test would prove nothing).
      const between = await phone.sync.syncAll();
      const visible = (
        await admin.firestore.collection('health_data').where('user_id', '==', user).get()
      ).size;
      expect(visible, 'the batch must still be in flight when the device pulls').toBe(2);
      expect(between.pulled).toBe(1);

      await slow;
      // The race as found: the batch is stamped before the single write, visible after it.
      const late = await admin.firestore.collection('health_data').doc('late-000').get();
      const fast = await admin.firestore.collection('health_data').doc('fast-0').get();
      const stamp = (snapshot: typeof late) =>
        (snapshot.get('_server_time') as { toMillis(): number }).toMillis();
      expect(stamp(late)).toBeLessThan(stamp(fast));
      expect(late.updateTime!.toMillis()).toBeGreaterThan(fast.updateTime!.toMillis());

      await phone.sync.syncAll();
      await phone.sync.syncAll();
      const server = await serverSnapshot(admin.firestore, user, ['health_data']);
      expect(Object.keys(server.health_data)).toHaveLength(502);
      expect(await deviceSnapshot(phone, ['health_data'])).toEqual(server);
    } finally {
      await Promise.all([client1.close(), client2.close(), admin.close()]);
      await closeAll();
    }
  }, 120_000);
});
