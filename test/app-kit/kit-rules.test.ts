import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import {
  doc,
  type Firestore,
  getDoc,
  runTransaction,
  serverTimestamp,
  setDoc,
  setLogLevel,
  Timestamp,
  updateDoc,
} from 'firebase/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRecord,
  DATA_TABLES,
  deleteRecord,
  type KitWrite,
  type SyncWriteOutcome,
  syncWrite,
  updateRecord,
  versionOf,
} from '../../src/app-kit';
import type { DataTable } from '../../src/db/schema-current';
import { uniqueUserId } from '../helpers/backend';
import { EDIT, KIT_SDK, kitContext, NEW_RECORD } from '../helpers/kit-records';
import {
  firestoreOf,
  type RulesTestEnvironment,
  startRulesEnvironment,
} from '../helpers/rules-env';

/**
 * Every write the app kit builds goes through the committed firestore.rules, sent by the JS SDK
 * as the app sends it: allowed for the owner, denied for another user; and the writes the
 * contract forbids (docs/app-integration.md) are denied where the rules can tell.
 */
let env: RulesTestEnvironment;
const owner = uniqueUserId('kit-owner');
const intruder = uniqueUserId('kit-other');
let counter = 0;
function newId(): string {
  counter += 1;
  return `kit-${process.pid}-${counter}`;
}

function as(uid: string): Firestore {
  return firestoreOf(env.authenticatedContext(uid));
}

/** The kit's compare-and-set in one transaction of `db`. */
function send(db: Firestore, write: KitWrite): Promise<SyncWriteOutcome> {
  return runTransaction(db, (tx) =>
    syncWrite(tx, doc(db, write.collection, write.id), write, KIT_SDK),
  );
}

async function versionNow(table: DataTable, id: string): Promise<string> {
  const snapshot = await getDoc(doc(as(owner), table, id));
  const version = versionOf(snapshot.data(), KIT_SDK);
  expect(version, `${table}/${id} has a version`).not.toBeNull();
  return version!;
}

describe('the app kit’s writes pass firestore.rules', () => {
  const ctx = kitContext(owner, 'app-install-1');

  beforeAll(async () => {
    setLogLevel('silent');
    env = await startRulesEnvironment('demo-personalai-rules-kit');
  });
  afterAll(async () => {
    await env?.clearFirestore();
    await env?.cleanup();
  });

  it.each(DATA_TABLES)(
    '%s: create, update and delete are allowed for the owner and denied for another user',
    async (table) => {
      const id = newId();
      const create = createRecord(table, id, NEW_RECORD[table], ctx);
      await assertFails(send(as(intruder), create));
      expect(await assertSucceeds(send(as(owner), create))).toEqual({ status: 'written' });

      const update = updateRecord(table, id, EDIT[table], await versionNow(table, id), ctx);
      await assertFails(send(as(intruder), update));
      expect(await assertSucceeds(send(as(owner), update))).toEqual({ status: 'written' });
      const edited = (await getDoc(doc(as(owner), table, id))).data()!;
      for (const [field, value] of Object.entries(EDIT[table])) {
        expect(edited[field], field).toEqual(value);
        expect(edited._ft[field], `_ft.${field}`).toEqual(edited._server_time);
      }

      const remove = deleteRecord(table, id, await versionNow(table, id), ctx);
      await assertFails(send(as(intruder), remove));
      expect(await assertSucceeds(send(as(owner), remove))).toEqual({ status: 'written' });
      const tombstone = (await getDoc(doc(as(owner), table, id))).data()!;
      expect(Object.keys(tombstone).sort()).toEqual(
        ['_deleted', '_device', '_ft', '_server_time', 'user_id'].sort(),
      );
      expect(tombstone).toMatchObject({ _deleted: true, user_id: owner });
    },
  );

  it('the builders’ fields also pass as plain setDoc / updateDoc (without the compare-and-set)', async () => {
    const id = newId();
    const db = as(owner);
    const ref = doc(db, 'text_notes', id);
    await assertSucceeds(
      setDoc(ref, createRecord('text_notes', id, NEW_RECORD.text_notes, ctx).data),
    );
    const base = await versionNow('text_notes', id);
    await assertSucceeds(
      updateDoc(ref, updateRecord('text_notes', id, EDIT.text_notes, base, ctx).data),
    );
    await assertSucceeds(
      updateDoc(ref, deleteRecord('text_notes', id, await versionNow('text_notes', id), ctx).data),
    );
  });

  it('a write based on a version that is no longer current comes back as a conflict and writes nothing', async () => {
    const id = newId();
    const db = as(owner);
    await send(db, createRecord('text_notes', id, NEW_RECORD.text_notes, ctx));
    const base = await versionNow('text_notes', id);
    const tablet = kitContext(owner, 'tablet');
    await send(db, updateRecord('text_notes', id, { content: 'from the tablet' }, base, tablet));
    const stale = await send(
      db,
      updateRecord('text_notes', id, { content: 'from the phone' }, base, ctx),
    );
    expect(stale).toMatchObject({
      status: 'conflict',
      version: await versionNow('text_notes', id),
    });
    expect((stale as { current: Record<string, unknown> }).current.content).toBe('from the tablet');
    const again = await send(db, createRecord('text_notes', id, NEW_RECORD.text_notes, ctx));
    expect(again).toMatchObject({ status: 'conflict' });
    expect((await getDoc(doc(db, 'text_notes', id))).data()?.content).toBe('from the tablet');
  });

  describe('what the contract forbids, the rules deny', () => {
    const created = (patch: (data: Record<string, unknown>) => void) => {
      const id = newId();
      const { data } = createRecord('text_notes', id, NEW_RECORD.text_notes, ctx);
      patch(data);
      return setDoc(doc(as(owner), 'text_notes', id), data);
    };

    it('a create with _ft is denied', async () => {
      await assertFails(created((d) => Object.assign(d, { _ft: { content: serverTimestamp() } })));
      await assertFails(created((d) => Object.assign(d, { _ft: {} })));
    });

    it('a create without _deleted, without _device or with a device-clock _server_time is denied', async () => {
      await assertFails(created((d) => delete d._deleted));
      await assertFails(created((d) => delete d._device));
      await assertFails(created((d) => delete d._server_time));
      await assertFails(created((d) => Object.assign(d, { _server_time: Timestamp.now() })));
      await assertSucceeds(created(() => {})); // the unpatched write, to show the patches decide
    });

    it('an update with a stale _server_time, a forged _ft stamp, or data on a tombstone is denied', async () => {
      const id = newId();
      const db = as(owner);
      const ref = doc(db, 'text_notes', id);
      await send(db, createRecord('text_notes', id, NEW_RECORD.text_notes, ctx));
      const { data } = updateRecord(
        'text_notes',
        id,
        EDIT.text_notes,
        await versionNow('text_notes', id),
        ctx,
      );
      await assertFails(updateDoc(ref, { ...data, _server_time: Timestamp.now() }));
      await assertFails(updateDoc(ref, { ...data, '_ft.content': Timestamp.now() }));
      await send(db, deleteRecord('text_notes', id, await versionNow('text_notes', id), ctx));
      // Restoring a tombstone needs `_deleted: false` with the data (the kit always sends it).
      const { _deleted, ...withoutDeleted } = updateRecord(
        'text_notes',
        id,
        NEW_RECORD.text_notes,
        await versionNow('text_notes', id),
        ctx,
      ).data;
      await assertFails(updateDoc(ref, withoutDeleted));
    });
  });

  /**
   * Known gaps, reported rather than changed here (issue 16, part F): an update's request is
   * checked as the document it leaves behind, so the rules cannot see which fields the request
   * itself named. These tests pin today's behaviour; the kit always sends all of these.
   */
  describe('what the contract requires and the rules do not enforce (the kit sends it anyway)', () => {
    async function updated(patch: (data: Record<string, unknown>) => void) {
      const id = newId();
      const db = as(owner);
      await send(db, createRecord('text_notes', id, NEW_RECORD.text_notes, ctx));
      const { data } = updateRecord(
        'text_notes',
        id,
        EDIT.text_notes,
        await versionNow('text_notes', id),
        ctx,
      );
      patch(data);
      return updateDoc(doc(db, 'text_notes', id), data);
    }

    it('an update without _ft stamps for the columns it changes is allowed (devices then miss that column in a conflict)', async () => {
      await assertSucceeds(
        updated((d) => {
          for (const k of Object.keys(d)) if (k.startsWith('_ft.')) delete d[k];
        }),
      );
    });

    it('an update without _device is allowed (the document keeps the previous writer’s _device)', async () => {
      await assertSucceeds(updated((d) => delete d._device));
    });

    it('an update without _deleted is allowed on a live document (it stays false)', async () => {
      await assertSucceeds(updated((d) => delete d._deleted));
    });
  });
});
