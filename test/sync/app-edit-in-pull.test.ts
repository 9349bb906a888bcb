import { describe, expect, it } from 'vitest';
import { prepareRawUpdate, rawOf } from '../../src/db/raw-update';
import type { Conflict } from '../../src/sync/conflict-resolver';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type AdapterKind, useDevices } from '../helpers/device';
import { deviceSnapshot, serverSnapshot } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Issue 13, "an edit the app makes through its own code is lost in the pull": the app edits a
 * record its own way (a WatermelonDB update with sync_status = 'pending', no queue row).
 * The pull took a record without a queue row as unchanged: the other device's title replaced the
 * phone's, `ask-user` never asked, and status said "Synced, 0 pending" beforehand.
 */
describe.each<AdapterKind>(['sqlite', 'loki'])(
  'an app edit without a queue row on %s',
  (adapter) => {
    const tempDir = useTempDir();
    const { device, closeAll } = useDevices(tempDir, { adapter });

    it('is a local change to the pull: the conflict is met, asked and resolved, nothing lost', async () => {
      const user = uniqueUserId('app-edit');
      const asked: Conflict[] = [];
      const phone = await device(user, 'phone', {
        strategy: 'ask-user',
        decide: (conflict) => {
          asked.push(conflict);
          return 'local';
        },
      });
      const tablet = await device(user, 'tablet');
      const admin = testClients('app-edit');
      try {
        const [id] = await phone.sync.store.create('text_notes', [
          { type: 'diary', title: 'Monday', content: 'first draft' },
        ]);
        await phone.sync.syncAll();
        await tablet.sync.syncAll();
        await tablet.sync.store.update('text_notes', id, { title: 'from the tablet' });
        await tablet.sync.syncAll();

        // The app's own code path: a WatermelonDB update of the record, marked pending by hand.
        const db = phone.opened.database;
        await db.write(async () => {
          const record = await db.get('text_notes').find(id);
          await db.batch(
            prepareRawUpdate(record, { title: 'from the phone', sync_status: 'pending' }),
          );
        });
        expect((await phone.sync.getStatus()).pendingCount).toBe(1);

        const result = await phone.sync.syncAll();
        expect(result.conflicts.map((c) => [c.id, c.phase, c.strategy, c.outcome])).toEqual([
          [id, 'pull', 'ask-user', 'kept-local'],
        ]);
        expect(asked.map((c) => c.id)).toEqual([id]);
        expect(rawOf(await db.get('text_notes').find(id)).title).toBe('from the phone');
        await tablet.sync.syncAll();
        const server = await serverSnapshot(admin.firestore, user, ['text_notes']);
        expect(server.text_notes[id]).toMatchObject({ title: 'from the phone' });
        expect(await deviceSnapshot(tablet)).toEqual(await deviceSnapshot(phone));
        expect((await phone.sync.getStatus()).pendingCount).toBe(0);
      } finally {
        await admin.close();
        await closeAll();
      }
    });
  },
);
