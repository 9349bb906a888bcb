import { describe, expect, it } from 'vitest';
import { rawOf } from '../../src/db/raw-update';
import type { RemoteStore } from '../../src/sync/remote-store';
import { uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { deviceSnapshot, queueSize } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Found by test/sync/crash-safety.test.ts (its device writes while it syncs): a pull read the local
 * records and prepared their updates before waiting for the database's writer queue. While it
 * waited, WatermelonDB's "prepareUpdate … wasn't sent to batch() synchronously" invariant threw
 * from process.nextTick (an uncaught exception: the process died), and an app edit of the same
 * record in the queue ahead of it failed ("Cannot update a record with pending changes") or was
 * overwritten by a plan made from the record as it was before the edit.
 */
describe('a pull while the app writes', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });

  it('applies the page after the edit queued before it, and both changes survive', async () => {
    const user = uniqueUserId();
    let duringPull: (() => void) | null = null;
    const a = await device(user, 'a', { strategy: 'merge' });
    const b = await device(user, 'b', {
      strategy: 'merge', // the two edits touch different fields: both must survive
      wrapRemote: (real): RemoteStore => ({
        ...real,
        pullPage: async (table, userId, after, limit) => {
          const page = await real.pullPage(table, userId, after, limit);
          const hook = duringPull;
          duringPull = null;
          hook?.();
          return page;
        },
        getMany: (table, ids) => real.getMany(table, ids),
        commit: (table, writes, deviceId) => real.commit(table, writes, deviceId),
        reportProgress: (u, d, p) => real.reportProgress(u, d, p),
      }),
    });
    try {
      const [id] = await a.sync.store.create('text_notes', [
        { type: 'diary', title: 'Monday', content: 'first draft' },
      ]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await a.sync.store.update('text_notes', id, { content: 'second draft' });
      await a.sync.syncAll();

      // While b's pull holds a.'s edit in hand: another writer holds b's database for a moment,
      // and the app edits the same record (queued first).
      const db = b.opened.database;
      let appEdit: Promise<void> | null = null;
      duringPull = () => {
        void db.write(() => new Promise((resolve) => setTimeout(resolve, 30)));
        appEdit = b.sync.store.update('text_notes', id, { title: 'Tuesday' });
      };
      const result = await b.sync.syncCollection('text_notes');
      expect(result.errors).toEqual([]);
      await appEdit;
      expect(rawOf(await db.get('text_notes').find(id))).toMatchObject({
        title: 'Tuesday',
        content: 'second draft',
      });
      await b.sync.syncAll();
      await a.sync.syncAll();
      expect(await queueSize(b)).toBe(0);
      expect(await deviceSnapshot(a)).toEqual(await deviceSnapshot(b));
      expect(rawOf(await a.opened.database.get('text_notes').find(id))).toMatchObject({
        title: 'Tuesday',
        content: 'second draft',
      });
    } finally {
      await closeAll();
    }
  });
});
