import { describe, expect, it } from 'vitest';
import { prepareRawUpdate } from '../../src/db/raw-update';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type AdapterKind, useDevices } from '../helpers/device';
import { queueSize, serverSnapshot, statusesOf } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

/**
 * A record the app marked `pending` itself, without a queue row, is pushed whole by the next sync
 * (it is adopted with a full queue row). If the app then edits it through the store before that
 * sync, the edit's queue row must be full too: before the fix it named only the edited fields,
 * the push sent those, marked the record synced, and the app's earlier change never reached the
 * server (the device and the server then differed for good).
 */
describe.each<AdapterKind>(['sqlite', 'loki'])(
  'adopting untracked pending records on %s',
  (adapter) => {
    const tempDir = useTempDir();
    const { device, closeAll } = useDevices(tempDir, { adapter });

    it('an edit of an untracked pending record sends the whole record: both changes reach the server', async () => {
      const user = uniqueUserId('adopt');
      const clients = testClients('adopt');
      try {
        const phone = await device(user, 'phone');
        const db = phone.opened.database;
        const [id] = await phone.sync.store.create('text_notes', [
          { type: 'diary', content: 'first' },
        ]);
        await phone.sync.syncAll();
        // The app's own code path: the record marked pending, no queue row.
        await db.write(async () => {
          const record = await db.get('text_notes').find(id);
          await db.batch(prepareRawUpdate(record, { sync_status: 'pending', title: 'untracked' }));
        });
        expect(await queueSize(phone)).toBe(0);
        // The edit is issued in the same tick as the sync, so it queues its row while the push is
        // still looking for untracked records.
        const [result] = await Promise.all([
          phone.sync.syncAll(),
          phone.sync.store.update('text_notes', id, { content: 'edited meanwhile' }),
        ]);
        expect(result.errors).toEqual([]);
        await phone.sync.syncAll();
        expect(await queueSize(phone)).toBe(0);
        expect((await statusesOf(phone, 'text_notes'))[id]).toBe('synced');
        const server = await serverSnapshot(clients.firestore, user, ['text_notes']);
        expect(server.text_notes[id]).toMatchObject({
          title: 'untracked',
          content: 'edited meanwhile',
        });
      } finally {
        await clients.close();
        await closeAll();
      }
    });
  },
);
