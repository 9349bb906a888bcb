import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import type { ColumnSchema } from '@nozbe/watermelondb/Schema';
import {
  collection,
  type DocumentData,
  deleteDoc,
  deleteField,
  doc,
  documentId,
  type Firestore,
  getDoc,
  getDocs,
  limit,
  orderBy,
  query,
  serverTimestamp,
  setDoc,
  setLogLevel,
  startAfter,
  Timestamp,
  updateDoc,
  where,
} from 'firebase/firestore';
import { Timestamp as AdminTimestamp, FieldValue } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFirebaseClients, type FirebaseClients } from '../../src/adapters/firebase-clients';
import { DEVICES_COLLECTION } from '../../src/adapters/firestore-remote';
import { MAX_ID_LENGTH } from '../../src/core/ids';
import { DATA_TABLES, type DataTable } from '../../src/db/schema-current';
import { META, syncedColumns } from '../../src/sync/wire-format';
import { FIELD_RULES, TIME_MAX } from '../../src/sync/wire-limits';
import { testEndpoints, uniqueUserId } from '../helpers/backend';
import {
  firestoreOf,
  RULES_PROJECT_ID,
  type RulesTestEnvironment,
  startRulesEnvironment,
} from '../helpers/rules-env';

/**
 * firestore.rules against Google's Firestore emulator, through the client SDK (the app's side):
 * for every collection, owner / other user / anonymous × read / create / update / delete, and
 * every wire-format check generated from the schema and FIELD_RULES — each bound at its limit
 * (allowed) and just past it (denied). Cases are generated, not hand-written; their count is
 * checked at the end.
 */

type Who = 'owner' | 'other' | 'anon' | { uid: string };
interface Case {
  name: string;
  allow: boolean;
  run(): Promise<unknown>;
}

let env: RulesTestEnvironment;
const owner = uniqueUserId('owner');
const other = uniqueUserId('other');
const DEVICE = 'phone';
let counter = 0;
function newId(prefix = 'r'): string {
  counter += 1;
  return `${prefix}${counter}`;
}

const clients = new Map<string, Firestore>();
function db(who: Who): Firestore {
  const key = typeof who === 'string' ? who : `uid:${who.uid}`;
  let client = clients.get(key);
  if (!client) {
    const uid = who === 'owner' ? owner : who === 'other' ? other : who === 'anon' ? null : who.uid;
    client = firestoreOf(
      uid === null ? env.unauthenticatedContext() : env.authenticatedContext(uid),
    );
    clients.set(key, client);
  }
  return client;
}

/** A valid value of each synced column (optional ones too). */
function sampleValue(table: DataTable, column: ColumnSchema, uid: string): unknown {
  const rule = FIELD_RULES[table][column.name] ?? {};
  if (column.name === 'user_id') return uid;
  if (column.type === 'boolean') return true;
  if (column.type === 'string') return rule.oneOf ? rule.oneOf[0] : `${column.name} é 😀`;
  if (rule.max === TIME_MAX) return 1_700_000_000_000;
  if (rule.min !== undefined && rule.max !== undefined) return (rule.min + rule.max) / 2 + 0.25;
  if (rule.min !== undefined) return rule.min + 1.5;
  return -1.5;
}

/** A live document's data fields: optional columns `null`, `absent` or filled. */
function liveValues(
  table: DataTable,
  uid: string,
  optional: 'null' | 'absent' | 'filled' = 'filled',
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const column of syncedColumns(table)) {
    if (column.isOptional && optional === 'absent') continue;
    values[column.name] =
      column.isOptional && optional === 'null' ? null : sampleValue(table, column, uid);
  }
  return values;
}

function meta(deleted = false): Record<string, unknown> {
  return {
    [META.serverTime]: serverTimestamp(),
    [META.device]: DEVICE,
    [META.deleted]: deleted,
  };
}

const OLD_TIME = Timestamp.fromMillis(1_600_000_000_000);
let admin: FirebaseClients;

/**
 * An existing document of `owner`, written with firebase-admin (rules do not apply): a live
 * record with one old field time, a tombstone, or a device's progress.
 */
async function seed(
  table: string,
  kind: 'live' | 'tombstone' | { device: string } = 'live',
): Promise<string> {
  const adminMeta = (deleted: boolean) => ({
    [META.serverTime]: FieldValue.serverTimestamp(),
    [META.device]: DEVICE,
    [META.deleted]: deleted,
  });
  let id = newId('s');
  let fields: Record<string, unknown>;
  if (kind === 'live') {
    fields = {
      ...liveValues(table as DataTable, owner),
      ...adminMeta(false),
      [META.fieldTimes]: {
        [syncedColumns(table as DataTable)[1].name]: AdminTimestamp.fromMillis(OLD_TIME.toMillis()),
      },
    };
  } else if (kind === 'tombstone') {
    fields = { user_id: owner, ...adminMeta(true) };
  } else {
    id = `${owner}:${kind.device}`;
    fields = {
      user_id: owner,
      device_id: kind.device,
      pulled_through: { text_notes: '001700000000.000000001' },
      [META.serverTime]: FieldValue.serverTimestamp(),
    };
  }
  await admin.firestore.collection(table).doc(id).set(fields);
  return id;
}

const create = (who: Who, table: string, id: string, data: DocumentData) => () =>
  setDoc(doc(db(who), table, id), data);
const update = (who: Who, table: string, id: string, data: DocumentData) => () =>
  updateDoc(doc(db(who), table, id), data);

/** A valid update of `owner`'s document: one changed field and its field time. */
function validUpdate(extra: DocumentData = {}): DocumentData {
  return {
    updated_at: 1_700_000_000_001,
    ...meta(),
    [`${META.fieldTimes}.updated_at`]: serverTimestamp(),
    ...extra,
  };
}

function wrongTypeValue(column: ColumnSchema): unknown {
  return column.type === 'string' ? 42 : column.type === 'number' ? '1' : 'true';
}

/** Each bound of a column: the value at the limit (allowed) and just past it (denied). */
function boundValues(table: DataTable, column: ColumnSchema): Array<[string, unknown, boolean]> {
  const rule = FIELD_RULES[table][column.name] ?? {};
  const out: Array<[string, unknown, boolean]> = [];
  if (column.name === 'user_id') return out; // tied to the uid: tested with unsafe uids below
  if (rule.maxLength !== undefined) {
    out.push([`${rule.maxLength} characters`, 'a'.repeat(rule.maxLength), true]);
    out.push([`${rule.maxLength} non-ASCII characters`, 'é'.repeat(rule.maxLength), true]);
    out.push([`${rule.maxLength + 1} characters`, 'a'.repeat(rule.maxLength + 1), false]);
    // Limits count UTF-16 code units (JavaScript's length, what the decoder checks): an emoji is 2.
    const emoji = '😀'.repeat(Math.floor(rule.maxLength / 2));
    out.push([`${emoji.length} UTF-16 units of emoji`, emoji, true]);
    out.push([`${emoji.length + 2} UTF-16 units of emoji`, `${emoji}😀`, false]);
  }
  if (rule.oneOf) {
    for (const value of rule.oneOf) out.push([`"${value}"`, value, true]);
    out.push([`"${rule.oneOf[0].toUpperCase()}"`, rule.oneOf[0].toUpperCase(), false]);
    out.push(['""', '', false]);
    out.push(['"note"', 'note', false]);
  }
  const step = (bound: number) => (Math.abs(bound) >= 1e6 ? 1 : 1e-6);
  if (rule.min !== undefined) {
    out.push([`${rule.min} (minimum)`, rule.min, true]);
    out.push([`${rule.min - step(rule.min)} (below minimum)`, rule.min - step(rule.min), false]);
  }
  if (rule.max !== undefined) {
    out.push([`${rule.max} (maximum)`, rule.max, true]);
    out.push([`${rule.max + step(rule.max)} (above maximum)`, rule.max + step(rule.max), false]);
  }
  if (column.type === 'number') {
    out.push(['NaN', Number.NaN, false]);
    out.push(['Infinity', Number.POSITIVE_INFINITY, false]);
    out.push(['-Infinity', Number.NEGATIVE_INFINITY, false]);
  }
  return out;
}

function tableCases(table: DataTable): Case[] {
  const cases: Case[] = [];
  const add = (name: string, allow: boolean, run: () => Promise<unknown>) =>
    cases.push({ name: `${table}: ${name}`, allow, run });
  const columns = syncedColumns(table);
  const full = () => ({ ...liveValues(table, owner), ...meta() });

  // Read.
  add('owner reads their document', true, async () =>
    getDoc(doc(db('owner'), table, await seed(table))),
  );
  add('another user cannot read it', false, async () =>
    getDoc(doc(db('other'), table, await seed(table))),
  );
  add('anonymous cannot read it', false, async () =>
    getDoc(doc(db('anon'), table, await seed(table))),
  );
  // The client SDK's compare-and-set reads each document it writes, creates too.
  add('a signed-in user gets a document that does not exist (reads as absent)', true, () =>
    getDoc(doc(db('owner'), table, newId('absent'))),
  );
  add('anonymous cannot get a document that does not exist', false, () =>
    getDoc(doc(db('anon'), table, newId('absent'))),
  );
  add('owner queries their documents by user_id', true, () =>
    getDocs(query(collection(db('owner'), table), where('user_id', '==', owner))),
  );
  add(
    'owner runs the engine’s pull query (by user_id, ordered by server time and id, paged)',
    true,
    () =>
      getDocs(
        query(
          collection(db('owner'), table),
          where('user_id', '==', owner),
          orderBy(META.serverTime),
          orderBy(documentId()),
          startAfter(Timestamp.fromMillis(0), 'a'),
          limit(100),
        ),
      ),
  );
  add("another user cannot query the owner's documents", false, () =>
    getDocs(query(collection(db('other'), table), where('user_id', '==', owner))),
  );
  add('owner cannot query the whole collection', false, () =>
    getDocs(collection(db('owner'), table)),
  );

  // Create.
  add(
    'owner creates a document, optional fields filled',
    true,
    create('owner', table, newId(), full()),
  );
  add('owner creates a document, optional fields null', true, () =>
    create('owner', table, newId(), { ...liveValues(table, owner, 'null'), ...meta() })(),
  );
  if (columns.some((c) => c.isOptional)) {
    add('owner creates a document, optional fields absent', true, () =>
      create('owner', table, newId(), { ...liveValues(table, owner, 'absent'), ...meta() })(),
    );
  }
  add('another user cannot create a document with the owner’s user_id', false, () =>
    create('other', table, newId(), full())(),
  );
  add('anonymous cannot create a document', false, () => create('anon', table, newId(), full())());
  add('a user cannot create a document with another user’s user_id', false, () =>
    create('owner', table, newId(), { ...full(), user_id: other })(),
  );
  add('forged _server_time on create', false, () =>
    create('owner', table, newId(), { ...full(), [META.serverTime]: Timestamp.now() })(),
  );
  add('_ft on create (forged field time)', false, () =>
    create('owner', table, newId(), {
      ...full(),
      [META.fieldTimes]: { updated_at: OLD_TIME },
    })(),
  );
  add('_ft on create, even with the server time', false, () =>
    create('owner', table, newId(), {
      ...full(),
      [META.fieldTimes]: { updated_at: serverTimestamp() },
    })(),
  );
  add('unknown field on create', false, () =>
    create('owner', table, newId(), { ...full(), is_admin: true })(),
  );
  add('local-only field sync_status on create', false, () =>
    create('owner', table, newId(), { ...full(), sync_status: 'synced' })(),
  );
  for (const [name, value] of [
    ['missing', undefined],
    ['not a string', 7],
    ['empty', ''],
    [`${MAX_ID_LENGTH + 1} characters`, 'd'.repeat(MAX_ID_LENGTH + 1)],
  ] as const) {
    add(`_device ${name}`, false, () => {
      const data: DocumentData = { ...full(), [META.device]: value };
      if (value === undefined) delete data[META.device];
      return create('owner', table, newId(), data)();
    });
  }
  add(`_device of ${MAX_ID_LENGTH} characters`, true, () =>
    create('owner', table, newId(), { ...full(), [META.device]: 'd'.repeat(MAX_ID_LENGTH) })(),
  );
  add('_deleted missing', false, () => {
    const data = full();
    delete data[META.deleted];
    return create('owner', table, newId(), data)();
  });
  add('_deleted not a boolean', false, () =>
    create('owner', table, newId(), { ...full(), [META.deleted]: 'false' })(),
  );
  add('_server_time missing', false, () => {
    const data = full();
    delete data[META.serverTime];
    return create('owner', table, newId(), data)();
  });
  for (const id of ['a..b', '.hidden', 'x'.repeat(MAX_ID_LENGTH + 1), 'with space']) {
    add(
      `unsafe record id ${JSON.stringify(id.slice(0, 12))}${id.length > 12 ? '…' : ''}`,
      false,
      () => create('owner', table, id, full())(),
    );
  }
  add(`record id of ${MAX_ID_LENGTH} characters`, true, () =>
    create(
      'owner',
      table,
      `${'x'.repeat(MAX_ID_LENGTH - 4)}${String(newId('')).padStart(4, '0')}`,
      full(),
    )(),
  );
  for (const uid of ['has space', 'a..b', 'x'.repeat(MAX_ID_LENGTH + 1)]) {
    add(`a user whose uid is not a safe id (${uid.slice(0, 12)}) cannot create`, false, () =>
      create({ uid }, table, newId(), { ...liveValues(table, uid), ...meta() })(),
    );
  }
  for (const column of columns) {
    if (!column.isOptional) {
      add(`required ${column.name} missing`, false, () => {
        const data = full();
        delete data[column.name];
        return create('owner', table, newId(), data)();
      });
      add(`required ${column.name} null`, false, () =>
        create('owner', table, newId(), { ...full(), [column.name]: null })(),
      );
    }
    add(`${column.name} of the wrong type`, false, () =>
      create('owner', table, newId(), { ...full(), [column.name]: wrongTypeValue(column) })(),
    );
    for (const [label, value, allowed] of boundValues(table, column)) {
      add(`${column.name} ${label} on create`, allowed, () =>
        create('owner', table, newId(), { ...full(), [column.name]: value })(),
      );
    }
  }
  add('tombstone create (user_id and meta fields only)', true, () =>
    create('owner', table, newId(), { user_id: owner, ...meta(true) })(),
  );
  add('tombstone create with a data field', false, () =>
    create('owner', table, newId(), { ...full(), ...meta(true) })(),
  );
  add('tombstone create for another user', false, () =>
    create('other', table, newId(), { user_id: owner, ...meta(true) })(),
  );

  // Update.
  add('owner updates a field with its field time', true, async () =>
    update('owner', table, await seed(table), validUpdate())(),
  );
  add('owner updates every field (a full update)', true, async () => {
    const data: DocumentData = { ...liveValues(table, owner, 'null'), ...meta() };
    for (const column of columns) data[`${META.fieldTimes}.${column.name}`] = serverTimestamp();
    return update('owner', table, await seed(table), data)();
  });
  add('owner removes an optional field', true, async () => {
    const optional = columns.find((c) => c.isOptional)!;
    return update(
      'owner',
      table,
      await seed(table),
      validUpdate({ [optional.name]: deleteField() }),
    )();
  });
  add('another user cannot update it', false, async () =>
    update('other', table, await seed(table), validUpdate())(),
  );
  add('anonymous cannot update it', false, async () =>
    update('anon', table, await seed(table), validUpdate())(),
  );
  add('another user cannot take it over (set user_id to their own)', false, async () =>
    update('other', table, await seed(table), validUpdate({ user_id: other }))(),
  );
  add('owner cannot change user_id', false, async () =>
    update('owner', table, await seed(table), validUpdate({ user_id: other }))(),
  );
  add('update without a new _server_time', false, async () => {
    const data = validUpdate();
    delete data[META.serverTime];
    return update('owner', table, await seed(table), data)();
  });
  add('forged _server_time on update', false, async () =>
    update(
      'owner',
      table,
      await seed(table),
      validUpdate({ [META.serverTime]: Timestamp.now() }),
    )(),
  );
  add('forged _ft entry on update', false, async () =>
    update(
      'owner',
      table,
      await seed(table),
      validUpdate({ [`${META.fieldTimes}.updated_at`]: Timestamp.now() }),
    )(),
  );
  add('_ft entry not a timestamp', false, async () =>
    update(
      'owner',
      table,
      await seed(table),
      validUpdate({ [`${META.fieldTimes}.updated_at`]: 5 }),
    )(),
  );
  add('_ft entry of an unknown field, even at the server time', false, async () =>
    update(
      'owner',
      table,
      await seed(table),
      validUpdate({ [`${META.fieldTimes}.is_admin`]: serverTimestamp() }),
    )(),
  );
  add('_ft entry removed', false, async () =>
    update('owner', table, await seed(table), validUpdate({ [META.fieldTimes]: {} }))(),
  );
  add('_ft replaced by a non-map', false, async () =>
    update('owner', table, await seed(table), validUpdate({ [META.fieldTimes]: 'x' }))(),
  );
  add('unknown field on update', false, async () =>
    update('owner', table, await seed(table), validUpdate({ is_admin: true }))(),
  );
  for (const column of columns) {
    if (!column.isOptional && column.name !== 'user_id') {
      add(`required ${column.name} removed on update`, false, async () =>
        update('owner', table, await seed(table), validUpdate({ [column.name]: deleteField() }))(),
      );
    }
    if (column.name === 'user_id') continue;
    add(`${column.name} of the wrong type on update`, false, async () =>
      update(
        'owner',
        table,
        await seed(table),
        validUpdate({ [column.name]: wrongTypeValue(column) }),
      )(),
    );
    for (const [label, value, allowed] of boundValues(table, column)) {
      if (typeof value === 'string' && value.length > 1000 && allowed) continue; // once is enough
      add(`${column.name} ${label} on update`, allowed, async () =>
        update(
          'owner',
          table,
          await seed(table),
          validUpdate({
            [column.name]: value,
            [`${META.fieldTimes}.${column.name}`]: serverTimestamp(),
          }),
        )(),
      );
    }
  }
  const tombstone = (): DocumentData => {
    const data: DocumentData = meta(true);
    for (const column of columns) if (column.name !== 'user_id') data[column.name] = deleteField();
    return data;
  };
  add('owner turns it into a tombstone (data fields removed)', true, async () =>
    update('owner', table, await seed(table), tombstone())(),
  );
  add('a tombstone that keeps a data field', false, async () => {
    const data = tombstone();
    data.created_at = 1;
    return update('owner', table, await seed(table), data)();
  });
  add('another user cannot turn it into a tombstone', false, async () =>
    update('other', table, await seed(table), tombstone())(),
  );
  add('owner brings a tombstone back with every required field', true, async () => {
    const id = await seed(table, 'tombstone');
    return update('owner', table, id, { ...liveValues(table, owner), ...meta(false) })();
  });
  add('a tombstone cannot come back without its required fields', false, async () => {
    const id = await seed(table, 'tombstone');
    return update('owner', table, id, meta(false))();
  });

  // Delete: documents are never deleted (a deletion is a tombstone).
  for (const who of ['owner', 'other', 'anon'] as const) {
    add(
      `${who === 'owner' ? 'owner' : who === 'other' ? 'another user' : 'anonymous'} cannot hard-delete it`,
      false,
      async () => deleteDoc(doc(db(who), table, await seed(table))),
    );
  }
  return cases;
}

function deviceCases(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, allow: boolean, run: () => Promise<unknown>) =>
    cases.push({ name: `${DEVICES_COLLECTION}: ${name}`, allow, run });
  const version = '001700000000.123456789';
  const progress = (extra: DocumentData = {}, uid = owner, device = DEVICE): DocumentData => ({
    user_id: uid,
    device_id: device,
    pulled_through: { text_notes: version },
    [META.serverTime]: serverTimestamp(),
    ...extra,
  });
  const put = (who: Who, id: string, data: DocumentData) => () =>
    setDoc(doc(db(who), DEVICES_COLLECTION, id), data, { merge: true });
  const seedDevice = (device: string) => seed(DEVICES_COLLECTION, { device });

  add('owner reports progress (set merge, new document)', true, () => {
    const device = newId('d');
    return put('owner', `${owner}:${device}`, progress({}, owner, device))();
  });
  add('owner reports progress again (merge into the existing document)', true, async () => {
    const device = newId('d');
    const id = await seedDevice(device);
    return put(
      'owner',
      id,
      progress({ pulled_through: { health_data: version } }, owner, device),
    )();
  });
  add('every data table may appear in pulled_through', true, () => {
    const device = newId('d');
    return put(
      'owner',
      `${owner}:${device}`,
      progress(
        {
          pulled_through: Object.fromEntries(DATA_TABLES.map((t) => [t, version])),
        },
        owner,
        device,
      ),
    )();
  });
  add('owner reads their progress', true, async () =>
    getDoc(doc(db('owner'), DEVICES_COLLECTION, await seedDevice(newId('d')))),
  );
  add("another user cannot read the owner's progress", false, async () =>
    getDoc(doc(db('other'), DEVICES_COLLECTION, await seedDevice(newId('d')))),
  );
  add('anonymous cannot read progress', false, async () =>
    getDoc(doc(db('anon'), DEVICES_COLLECTION, await seedDevice(newId('d')))),
  );
  add("another user cannot write the owner's progress", false, async () =>
    put('other', await seedDevice(newId('d')), progress())(),
  );
  add('another user cannot create a progress document under the owner’s uid', false, () => {
    const device = newId('d');
    return put('other', `${owner}:${device}`, progress({}, owner, device))();
  });
  add('anonymous cannot write progress', false, () => {
    const device = newId('d');
    return put('anon', `${owner}:${device}`, progress({}, owner, device))();
  });
  for (const [label, id] of [
    ['another user’s uid', (d: string) => `${other}:${d}`],
    ['another device id', (d: string) => `${owner}:${d}x`],
    ['no separator', (d: string) => `${owner}${d}`],
  ] as const) {
    add(`document id with ${label}`, false, () => {
      const device = newId('d');
      return put('owner', id(device), progress({}, owner, device))();
    });
  }
  add('owner cannot change user_id', false, async () =>
    put('owner', await seedDevice(newId('d')), progress({ user_id: other }))(),
  );
  add('forged _server_time', false, () => {
    const device = newId('d');
    return put(
      'owner',
      `${owner}:${device}`,
      progress({ [META.serverTime]: Timestamp.now() }, owner, device),
    )();
  });
  add('unknown field', false, () => {
    const device = newId('d');
    return put('owner', `${owner}:${device}`, progress({ purge_all: true }, owner, device))();
  });
  add('pulled_through names a table that does not sync', false, () => {
    const device = newId('d');
    return put(
      'owner',
      `${owner}:${device}`,
      progress({ pulled_through: { sync_queue: version } }, owner, device),
    )();
  });
  add('pulled_through holds something that is not a version', false, () => {
    const device = newId('d');
    return put(
      'owner',
      `${owner}:${device}`,
      progress({ pulled_through: { text_notes: '17' } }, owner, device),
    )();
  });
  add(`device id of ${MAX_ID_LENGTH + 1} characters`, false, () => {
    const device = 'd'.repeat(MAX_ID_LENGTH + 1);
    return put('owner', `${owner}:${device}`, progress({}, owner, device))();
  });
  add('owner cannot delete progress', false, async () =>
    deleteDoc(doc(db('owner'), DEVICES_COLLECTION, await seedDevice(newId('d')))),
  );
  return cases;
}

function otherCases(): Case[] {
  return [
    {
      name: 'a collection the app does not use is closed',
      allow: false,
      run: create('owner', 'secrets', newId(), { user_id: owner, ...meta() }),
    },
    {
      name: 'a subcollection of a record is closed',
      allow: false,
      run: create('owner', `text_notes/${newId()}/attachments`, newId(), {
        user_id: owner,
        ...meta(),
      }),
    },
    {
      name: 'a local-only table (sync_queue) is closed',
      allow: false,
      run: create('owner', 'sync_queue', newId(), { user_id: owner, ...meta() }),
    },
  ];
}

const ALL_CASES = [...DATA_TABLES.flatMap(tableCases), ...deviceCases(), ...otherCases()];

describe('firestore.rules', () => {
  beforeAll(async () => {
    setLogLevel('silent'); // every denied write would log its PERMISSION_DENIED
    env = await startRulesEnvironment();
    admin = createFirebaseClients(
      { ...testEndpoints(), projectId: RULES_PROJECT_ID },
      'rules-seed',
    );
  });
  afterAll(async () => {
    await admin?.close();
    await env?.clearFirestore();
    await env?.cleanup();
  });

  for (const c of ALL_CASES) {
    it(`${c.allow ? 'allows' : 'denies'}: ${c.name}`, async () => {
      if (c.allow) await assertSucceeds(c.run());
      else await assertFails(c.run());
    });
  }

  it('has allowed and denied cases for every collection', () => {
    const allowed = ALL_CASES.filter((c) => c.allow).length;
    const denied = ALL_CASES.length - allowed;
    process.stderr.write(
      `[firestore-rules] ${ALL_CASES.length} cases: ${allowed} allowed, ${denied} denied\n`,
    );
    for (const table of [...DATA_TABLES, DEVICES_COLLECTION]) {
      const mine = ALL_CASES.filter((c) => c.name.startsWith(`${table}: `));
      expect(mine.filter((c) => c.allow).length, table).toBeGreaterThan(3);
      expect(mine.filter((c) => !c.allow).length, table).toBeGreaterThan(10);
    }
  });
});
