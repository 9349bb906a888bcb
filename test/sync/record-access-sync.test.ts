import { describe, expect, it } from 'vitest';
import { prepareRawUpdate } from '../../src/db/raw-update';
import { publicRecordAccess } from '../../src/db/record-access';
import { testClients, uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { deviceSnapshot, queueSize, serverSnapshot, statusesOf } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The app runs the engine on SQLite through WatermelonDB's public API unless it opts into the
 * SQLite fast path (src/db/sqlite-fast-path.ts), which the harness wires for its SQLite devices.
 * Both must sync the same: a device on the public API and one on the fast path, same user,
 * converge through creates, edits, deletes and a record the app marked pending by itself.
 */
describe('the public record access and the SQLite fast path sync alike', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });

  it('a SQLite device on the public API and one on the fast path converge with the server', async () => {
    const user = uniqueUserId('access');
    const clients = testClients('access');
    try {
      const app = await device(user, 'app', { records: publicRecordAccess });
      const harness = await device(user, 'harness');
      const ids = await app.sync.store.create('text_notes', [
        { type: 'diary', content: 'one' },
        { type: 'thought', content: 'two' },
        { type: 'diary', content: 'three' },
      ]);
      expect((await app.sync.syncAll()).errors).toEqual([]);
      expect((await harness.sync.syncAll()).pulled).toBe(3);

      await harness.sync.store.update('text_notes', ids[0], { content: 'one, edited' });
      await harness.sync.store.delete('text_notes', [ids[1]]);
      // New to the app's device: its pull creates the record (the fast path would insert a row).
      const [fourth] = await harness.sync.store.create('text_notes', [
        { type: 'thought', content: 'four' },
      ]);
      expect((await harness.sync.syncAll()).errors).toEqual([]);
      expect((await app.sync.syncAll()).errors).toEqual([]);

      // The app's own code path on the public API: marked pending with no queue row.
      const db = app.opened.database;
      await db.write(async () => {
        const record = await db.get('text_notes').find(ids[2]);
        await db.batch(prepareRawUpdate(record, { sync_status: 'pending', title: 'untracked' }));
      });
      expect((await app.sync.getStatus()).pendingCount).toBe(1);
      expect((await app.sync.syncAll()).errors).toEqual([]);
      expect((await harness.sync.syncAll()).errors).toEqual([]);

      const server = await serverSnapshot(clients.firestore, user, ['text_notes']);
      expect(Object.keys(server.text_notes).sort()).toEqual([ids[0], ids[2], fourth].sort());
      expect(server.text_notes[ids[0]]).toMatchObject({ content: 'one, edited' });
      expect(server.text_notes[ids[2]]).toMatchObject({ title: 'untracked', content: 'three' });
      for (const phone of [app, harness]) {
        expect(await deviceSnapshot(phone, ['text_notes'])).toEqual(server);
        expect(await queueSize(phone)).toBe(0);
        expect(Object.values(await statusesOf(phone, 'text_notes'))).toEqual([
          'synced',
          'synced',
          'synced',
        ]);
      }
    } finally {
      await clients.close();
      await closeAll();
    }
  });
});
