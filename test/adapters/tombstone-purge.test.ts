import { describe, expect, it } from 'vitest';
import { purgeTombstones } from '../../src/adapters/tombstone-purge';
import { VirtualClock } from '../../src/core/clock';
import { testClients, uniqueUserId } from '../helpers/backend';
import { openDevice } from '../helpers/device';
import { deviceSnapshot } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

describe('tombstone purging', () => {
  const tempDir = useTempDir();

  it('removes a tombstone only after every registered device of the user has pulled past it', async () => {
    const user = uniqueUserId('purge');
    const dir = tempDir();
    const a = await openDevice({
      userId: user,
      deviceId: 'a',
      adapter: 'sqlite',
      dir,
      clock: new VirtualClock(),
      lateWriteWindowMs: 0, // the server's clock is real: no window, or this test waits 2 minutes
    });
    const b = await openDevice({
      userId: user,
      deviceId: 'b',
      adapter: 'loki',
      dir,
      clock: new VirtualClock(),
      lateWriteWindowMs: 0,
    });
    const { firestore, close } = testClients('purge');
    try {
      const [gone, kept] = await a.sync.store.create('text_notes', [
        { type: 'diary', content: 'to delete' },
        { type: 'diary', content: 'to keep' },
      ]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await a.sync.store.delete('text_notes', [gone]);
      await a.sync.syncAll();

      const early = await purgeTombstones(firestore, user);
      expect(early.devices).toBe(2);
      expect(early.purged.text_notes).toBe(0); // b has not seen the delete yet
      expect((await firestore.collection('text_notes').doc(gone).get()).get('_deleted')).toBe(true);

      await b.sync.syncAll();
      await a.sync.syncAll(); // a's own checkpoint moves past its tombstone too
      const late = await purgeTombstones(firestore, user);
      expect(late.purged.text_notes).toBe(1);
      expect((await firestore.collection('text_notes').doc(gone).get()).exists).toBe(false);
      expect((await firestore.collection('text_notes').doc(kept).get()).exists).toBe(true);
      expect(Object.keys((await deviceSnapshot(b)).text_notes)).toEqual([kept]);

      // A device that arrives after the purge starts from the current state and needs no tombstone.
      const c = await openDevice({
        userId: user,
        deviceId: 'c',
        adapter: 'sqlite',
        dir,
        clock: new VirtualClock(),
      });
      try {
        await c.sync.syncAll();
        expect(await deviceSnapshot(c)).toEqual(await deviceSnapshot(a));
      } finally {
        await c.close();
      }
    } finally {
      await Promise.all([a.close(), b.close(), close()]);
    }
  });

  it('with the late-write window, keeps a tombstone every device has pulled until it is a window behind their reads', async () => {
    const user = uniqueUserId('purge-window');
    const dir = tempDir();
    const open = (deviceId: string) =>
      openDevice({ userId: user, deviceId, adapter: 'sqlite', dir, clock: new VirtualClock() });
    const a = await open('a');
    const b = await open('b');
    const { firestore, close } = testClients('purge-window');
    try {
      const [gone] = await a.sync.store.create('text_notes', [{ type: 'diary', content: 'x' }]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await a.sync.store.delete('text_notes', [gone]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      expect(Object.keys((await deviceSnapshot(b)).text_notes)).toEqual([]);
      // Both devices have applied the delete, but a write stamped before it may still land:
      // their reported progress stays a window behind, and the tombstone stays.
      const result = await purgeTombstones(firestore, user);
      expect(result.devices).toBe(2);
      expect(result.purged.text_notes).toBe(0);
      expect((await firestore.collection('text_notes').doc(gone).get()).get('_deleted')).toBe(true);
    } finally {
      await close();
      await a.close();
      await b.close();
    }
  });
});
