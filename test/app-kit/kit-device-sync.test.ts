import {
  doc,
  type Firestore,
  getDocFromServer,
  runTransaction,
  setLogLevel,
} from 'firebase/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createRecord,
  deleteRecord,
  type KitWrite,
  type SyncWriteOutcome,
  syncWrite,
  updateRecord,
  versionOf,
  writtenVersion,
} from '../../src/app-kit';
import type { Sdk } from '../../src/core/sdk';
import { rawOf } from '../../src/db/raw-update';
import { uniqueUserId } from '../helpers/backend';
import { openClientFirestore } from '../helpers/client-sdk';
import { type TestDevice, useDevices } from '../helpers/device';
import { KIT_SDK, kitContext, NEW_RECORD } from '../helpers/kit-records';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The app, writing with the kit through the JS SDK signed in as the user (firestore.rules
 * enforced on the test emulator), and a harness device of the same user share one record both
 * ways: the device pulls what the app created, the app reads the device's edit and writes over
 * it without a conflict, the device pulls that and then the app's delete. Run with a device on
 * each SDK.
 */
describe.each<Sdk>(['admin', 'client'])('the app kit and a harness device on %s', (sdk) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });
  beforeAll(() => setLogLevel('silent'));

  async function send(db: Firestore, write: KitWrite): Promise<SyncWriteOutcome> {
    return runTransaction(db, (tx) =>
      syncWrite(tx, doc(db, write.collection, write.id), write, KIT_SDK),
    );
  }

  async function local(d: TestDevice, id: string) {
    const found = await d.opened.database.get('text_notes').query().fetch();
    const record = found.find((r) => r.id === id);
    return record ? rawOf(record) : null;
  }

  it('a record the app writes is pulled by the device, and the device’s edit is read back and built on by the app without a conflict', async () => {
    const user = uniqueUserId(`kit-${sdk}`);
    const app = openClientFirestore(user);
    const ctx = kitContext(user, 'app-phone');
    const id = `note-${sdk}-${process.pid}`;
    try {
      const tablet = await device(user, 'tablet', { sdk });

      // The app creates; the device pulls it as news, based on the version the app wrote.
      const create = createRecord('text_notes', id, NEW_RECORD.text_notes, ctx);
      expect(await send(app.firestore, create)).toEqual({ status: 'written' });
      const ref = doc(app.firestore, 'text_notes', id);
      const v1 = writtenVersion((await getDocFromServer(ref)).data(), create, ctx);
      expect(v1).not.toBeNull();
      const first = await tablet.sync.syncAll();
      expect(first).toMatchObject({ success: true, pulled: 1, conflicts: [] });
      expect(await local(tablet, id)).toMatchObject({
        content: 'first draft',
        title: 'Monday',
        user_id: user,
        sync_status: 'synced',
        remote_version: v1,
      });

      // The device edits and pushes; the app reads the edit and its version.
      await tablet.sync.store.update('text_notes', id, { content: 'edited on the tablet' });
      expect(await tablet.sync.syncAll()).toMatchObject({
        success: true,
        pushed: 1,
        conflicts: [],
      });
      const afterDevice = (await getDocFromServer(ref)).data();
      expect(afterDevice).toMatchObject({ content: 'edited on the tablet', _device: 'tablet' });
      const v2 = versionOf(afterDevice, KIT_SDK)!;
      expect(v2 > v1!).toBe(true);
      expect((await local(tablet, id))?.remote_version).toBe(v2);

      // The app builds on the device's version: written, no conflict; the device pulls it.
      const update = updateRecord('text_notes', id, { title: 'Tuesday' }, v2, ctx);
      expect(await send(app.firestore, update)).toEqual({ status: 'written' });
      const v3 = writtenVersion((await getDocFromServer(ref)).data(), update, ctx)!;
      const second = await tablet.sync.syncAll();
      expect(second).toMatchObject({ success: true, pulled: 1, conflicts: [] });
      expect(await local(tablet, id)).toMatchObject({
        content: 'edited on the tablet',
        title: 'Tuesday',
        sync_status: 'synced',
        remote_version: v3,
      });

      // The app deletes; the device deletes its record on the next pull.
      expect(await send(app.firestore, deleteRecord('text_notes', id, v3, ctx))).toEqual({
        status: 'written',
      });
      expect(await tablet.sync.syncAll()).toMatchObject({ success: true, conflicts: [] });
      expect(await local(tablet, id)).toBeNull();
    } finally {
      await closeAll();
      await app.close();
    }
  });

  it('an app write based on a version the device has replaced is a conflict, and writes nothing', async () => {
    const user = uniqueUserId(`kit-stale-${sdk}`);
    const app = openClientFirestore(user);
    const ctx = kitContext(user, 'app-phone');
    const id = `stale-${sdk}-${process.pid}`;
    try {
      const tablet = await device(user, 'tablet', { sdk });
      const create = createRecord('text_notes', id, NEW_RECORD.text_notes, ctx);
      await send(app.firestore, create);
      const ref = doc(app.firestore, 'text_notes', id);
      const v1 = writtenVersion((await getDocFromServer(ref)).data(), create, ctx)!;
      await tablet.sync.syncAll();
      await tablet.sync.store.update('text_notes', id, { content: 'edited on the tablet' });
      await tablet.sync.syncAll();
      const stale = await send(
        app.firestore,
        updateRecord('text_notes', id, { content: 'edited in the app' }, v1, ctx),
      );
      expect(stale).toMatchObject({
        status: 'conflict',
        current: { content: 'edited on the tablet' },
      });
      expect((await getDocFromServer(ref)).data()?.content).toBe('edited on the tablet');
    } finally {
      await closeAll();
      await app.close();
    }
  });
});
