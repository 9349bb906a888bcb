import { afterAll, describe, expect, it } from 'vitest';
import { rawOf } from '../../src/db/raw-update';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type TestDevice, useDevices } from '../helpers/device';
import { queueSize, serverSnapshot } from '../helpers/inspect';
import { interceptRemote } from '../helpers/intercept-remote';
import { useTempDir } from '../helpers/temp-dir';

/**
 * A push settles in two local transactions: records are marked synced (with the version just
 * written) first, then the queue rows go. A process killed between the two leaves a record
 * `synced` at version V with its old queue row (based on the version before V, or on nothing for
 * a create). The next push of that row fails its precondition, and the current document (V) is
 * the record's own version: before the fix this was taken for an echo, so nothing was done — the
 * row stayed forever, the record stayed `syncing`, and a later edit coalesced into the stale row
 * never reached the server.
 */
describe('a push whose settling was interrupted (SQLite)', () => {
  const tempDir = useTempDir();
  const { device } = useDevices(tempDir, { adapter: 'sqlite' });
  const clients = testClients('settle-interrupted');

  it.each([
    ['a create', false],
    ['an update', true],
  ])(
    '%s: the next sync drains the stale row, and a later edit reaches the server',
    async (_, update) => {
      const user = uniqueUserId();
      let killSettle = false;
      let armed = false;
      let a: TestDevice = await device(user, 'a', {
        wrapRemote: (real) =>
          interceptRemote(real, {
            afterCommit() {
              armed = killSettle;
              killSettle = false;
            },
          }),
      });
      const db = a.opened.database;
      const batch = db.batch.bind(db);
      // After the commit, the settle's second transaction (the queue rows) never happens: the
      // process "dies" there (the device is then restarted from its database file).
      db.batch = ((...args: Parameters<typeof db.batch>) => {
        if (armed) {
          armed = false;
          throw new Error('process killed');
        }
        return batch(...args);
      }) as typeof db.batch;
      // On SQLite the queue rows of records synced as sent go through the adapter's own batch
      // (the fast path's deleteRows), not through db.batch: the "kill" takes that write too.
      const adapter = db.adapter as unknown as {
        batch(operations: Array<[string, string, unknown]>): Promise<void>;
      };
      const adapterBatch = adapter.batch.bind(adapter);
      adapter.batch = (operations) => {
        if (armed && operations.some(([, table]) => table === 'sync_queue')) {
          armed = false;
          return Promise.reject(new Error('process killed'));
        }
        return adapterBatch(operations);
      };
      const [id] = await a.sync.store.create('text_notes', [
        { type: 'diary', title: 'Monday', content: 'first draft' },
      ]);
      if (update) {
        await a.sync.syncAll();
        await a.sync.store.update('text_notes', id, { content: 'second draft' });
      }
      killSettle = true;
      await a.sync.syncAll();
      expect(rawOf(await a.opened.database.get('text_notes').find(id)).sync_status).toBe('synced');
      expect(await queueSize(a)).toBe(1); // the stale row the "crash" left behind
      a = await a.restart();

      await a.sync.syncAll();
      expect(await queueSize(a)).toBe(0);
      expect(rawOf(await a.opened.database.get('text_notes').find(id)).sync_status).toBe('synced');

      await a.sync.store.update('text_notes', id, { title: 'Tuesday' });
      await a.sync.syncAll();
      expect(await queueSize(a)).toBe(0);
      const server = await serverSnapshot(clients.firestore, user, ['text_notes']);
      expect(server.text_notes[id]).toMatchObject({
        title: 'Tuesday',
        content: update ? 'second draft' : 'first draft',
      });
      await a.close();
    },
  );
  afterAll(() => clients.close());
});
