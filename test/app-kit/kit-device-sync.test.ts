import {
  doc,
  type Firestore,
  getDocFromServer,
  runTransaction,
  setLogLevel,
  updateDoc,
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

  it.each([
    ['with', true],
    ['without', false],
  ])(
    'an app edit %s its _ft stamp, concurrent with a device edit of the same column, under merge: the device sees the conflict on that column only with the stamp',
    async (_w, stamped) => {
      const user = uniqueUserId(`kit-merge-${sdk}`);
      const app = openClientFirestore(user);
      const ctx = kitContext(user, 'app-phone');
      const id = `merge-${sdk}-${stamped}-${process.pid}`;
      try {
        const tablet = await device(user, 'tablet', { sdk, strategy: 'merge' });
        const create = createRecord('text_notes', id, NEW_RECORD.text_notes, ctx);
        await send(app.firestore, create);
        const ref = doc(app.firestore, 'text_notes', id);
        const v1 = writtenVersion((await getDocFromServer(ref)).data(), create, ctx)!;
        await tablet.sync.syncAll();
        // Both edit before either sees the other: the device the title and the content, the app
        // the title and the mood.
        await tablet.sync.store.update('text_notes', id, { title: 'Tablet', content: 'edited' });
        const edit = updateRecord('text_notes', id, { title: 'App', mood: 'calm' }, v1, ctx);
        if (!stamped) delete edit.data['_ft.title']; // the rules let an app leave it out
        if (stamped) expect(await send(app.firestore, edit)).toEqual({ status: 'written' });
        else await updateDoc(ref, edit.data);
        const merged = await tablet.sync.syncAll();
        expect(merged).toMatchObject({ success: true });
        // The field-level merge: each side's columns, the device's write later on the shared one.
        // Which columns both sides changed comes from `_ft`: without the app's stamp, the device
        // does not see that the app changed the title (its conflict report and an ask-user
        // prompt would miss it).
        expect(merged.conflicts).toMatchObject([
          { id, outcome: 'merged', fields: stamped ? ['title'] : [] },
        ]);
        const after = (await getDocFromServer(ref)).data();
        expect(after).toMatchObject({ title: 'Tablet', content: 'edited', mood: 'calm' });
        expect(await local(tablet, id)).toMatchObject({
          title: 'Tablet',
          content: 'edited',
          mood: 'calm',
        });
      } finally {
        await closeAll();
        await app.close();
      }
    },
  );

  it.each([
    ['with', true],
    ['without', false],
  ])(
    'an app edit %s _device, over a device’s own write while the device has a pending edit: only with it is the app’s edit kept',
    async (_w, withDevice) => {
      const user = uniqueUserId(`kit-device-${sdk}`);
      const app = openClientFirestore(user);
      const ctx = kitContext(user, 'app-phone');
      const id = `own-${sdk}-${withDevice}-${process.pid}`;
      try {
        const tablet = await device(user, 'tablet', { sdk, strategy: 'merge' });
        await send(app.firestore, createRecord('text_notes', id, NEW_RECORD.text_notes, ctx));
        await tablet.sync.syncAll();
        await tablet.sync.store.update('text_notes', id, { content: 'edited on the tablet' });
        await tablet.sync.syncAll(); // the document now carries _device: tablet
        await tablet.sync.store.update('text_notes', id, { mood: 'calm' }); // pending
        const ref = doc(app.firestore, 'text_notes', id);
        const base = versionOf((await getDocFromServer(ref)).data(), KIT_SDK)!;
        const edit = updateRecord('text_notes', id, { title: 'App' }, base, ctx);
        if (!withDevice) delete edit.data._device; // the rules let an app leave it out
        await updateDoc(ref, edit.data);
        const result = await tablet.sync.syncAll();
        expect(result).toMatchObject({ success: true });
        const after = (await getDocFromServer(ref)).data();
        if (withDevice) {
          // A concurrent edit of other columns: merged, both kept.
          expect(result.conflicts).toMatchObject([{ id, outcome: 'merged' }]);
          expect(after).toMatchObject({ title: 'App', mood: 'calm' });
        } else {
          // The device takes the app's write for its own lost acknowledgement: no conflict, and
          // its push puts its old title back over the app's edit (a lost update).
          expect(result.conflicts).toEqual([]);
          expect(after).toMatchObject({ title: 'Monday', mood: 'calm' });
        }
        expect((await local(tablet, id))?.title).toBe(after?.title);
      } finally {
        await closeAll();
        await app.close();
      }
    },
  );
});
