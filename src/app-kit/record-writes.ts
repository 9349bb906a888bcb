import { assertSafeId } from '../core/ids';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { writeProblem } from '../sync/check-write';
import { type DocumentWrite, documentWrite } from '../sync/document-write';
import { type LocalChange, planWrite } from '../sync/plan-push';
import { isVersion, type Version } from '../sync/version';
import {
  LOCAL_ONLY_COLUMNS,
  META,
  readValues,
  syncedColumns,
  type Value,
  valueProblem,
} from '../sync/wire-format';
import { AppKitError } from './app-kit-error';
import type { KitContext } from './sdk';

/**
 * The app's writes of a record, as the harness's engine makes them (docs/app-integration.md):
 * each builder checks the values against the schema and the wire limits, plans the write with
 * the engine's own planWrite and shapes it with the engine's own documentWrite, so what the app
 * sends is exactly what a synced device sends, and what firestore.rules accept.
 */

/** A record's values as the app holds them: column name → number, string, boolean or null. */
export type RecordValues = Record<string, Value | undefined>;

/**
 * One write, ready for the JS SDK: `data` goes to `transaction.set(ref, data)` for a create and
 * to `transaction.update(ref, data)` for an update (its keys are field paths such as `_ft.title`),
 * at `doc(db, collection, id)`. `expected` is the version the write assumes (null: the document
 * must not exist), which syncWrite checks; setDoc/updateDoc alone would not.
 */
export type KitWrite = DocumentWrite & { collection: DataTable };

/** A new record: every column of `table` (absent optional ones as null), no `_ft`. */
export function createRecord(
  table: DataTable,
  id: string,
  values: RecordValues,
  context: KitContext,
): KitWrite {
  checkTarget(table, id, context);
  const raw = withOwner(table, id, values, context, 'create');
  // The whole record must fit: required columns present, every value of its type and bounds.
  failOnMalformed(() =>
    readValues(table, { id, version: '', deleted: false, device: null, data: raw, fieldTimes: {} }),
  );
  return build(table, { id, operation: 'create', data: queueData([], null), raw }, context);
}

/**
 * Changed columns of a record the server has at version `base` (what versionOf read): sets them,
 * stamps `_ft.<column>` with the server time for each, and is written only if the document is
 * still at `base` (syncWrite). A column set to null is cleared (required columns cannot be).
 */
export function updateRecord(
  table: DataTable,
  id: string,
  changes: RecordValues,
  base: Version,
  context: KitContext,
): KitWrite {
  checkTarget(table, id, context);
  checkBase(table, id, base);
  const raw = withOwner(table, id, changes, context, 'update');
  const fields = Object.keys(changes).filter((name) => name !== 'user_id');
  if (fields.length === 0)
    throw new AppKitError(`${table}/${id}: an update needs at least one changed column`);
  for (const column of syncedColumns(table)) {
    if (!fields.includes(column.name)) continue;
    const value = raw[column.name];
    if (value === null) {
      if (!column.isOptional)
        throw new AppKitError(`${table}/${id}: required field ${column.name} cannot be null`);
      continue;
    }
    const problem = valueProblem(table, column, value);
    if (problem) throw new AppKitError(`${table}/${id}: ${problem}`);
  }
  return build(table, { id, operation: 'update', data: queueData(fields, base), raw }, context);
}

/**
 * A deletion of a record the server has at version `base`: the document becomes a tombstone
 * (`_deleted: true`, `user_id` and the meta fields kept, every data column removed), so every
 * device deletes it on its next pull. Documents are never deleted outright.
 */
export function deleteRecord(
  table: DataTable,
  id: string,
  base: Version,
  context: KitContext,
): KitWrite {
  checkTarget(table, id, context);
  checkBase(table, id, base);
  return build(table, { id, operation: 'delete', data: queueData([], base), raw: null }, context);
}

/** Plans the change as the engine's push does, pre-checks it as the push does, shapes it. */
function build(table: DataTable, change: LocalChange, context: KitContext): KitWrite {
  const planned = planWrite(table, change, context.userId);
  const problem = writeProblem(table, change, planned, context.deviceId);
  if (problem) throw new AppKitError(`${table}/${change.id}: ${problem.message}`);
  return { ...documentWrite(planned.write, context.deviceId, context.sdk), collection: table };
}

function queueData(fields: string[], base: Version | null): LocalChange['data'] {
  return { fields, base, full: false, parked: false };
}

function checkTarget(table: DataTable, id: string, context: KitContext): void {
  if (!(DATA_TABLES as readonly string[]).includes(table))
    throw new AppKitError(
      `${JSON.stringify(String(table).slice(0, 64))} is not a synced collection (${DATA_TABLES.join(', ')})`,
    );
  try {
    assertSafeId('Record', id);
    assertSafeId('User', context.userId);
    assertSafeId('Device', context.deviceId);
  } catch (error) {
    throw new AppKitError(`${table}: ${(error as Error).message}`);
  }
}

function checkBase(table: DataTable, id: string, base: Version): void {
  if (!isVersion(base))
    throw new AppKitError(
      `${table}/${id}: base must be the version the record was read at (versionOf), e.g. "001767225600.123456000"`,
    );
}

/**
 * The values with `user_id` set to the signed-in user, after refusing what the app must not
 * send: the kit's own meta fields, local bookkeeping, columns the schema does not have, another
 * user's id, undefined (Firestore refuses it; null clears a column).
 */
function withOwner(
  table: DataTable,
  id: string,
  values: RecordValues,
  context: KitContext,
  what: 'create' | 'update',
): Record<string, Value> {
  const known = new Set(syncedColumns(table).map((c) => c.name));
  const meta = new Set<string>(Object.values(META));
  for (const [name, value] of Object.entries(values)) {
    const field = `${table}/${id}: field ${JSON.stringify(name.slice(0, 64))}`;
    if (meta.has(name) || name.startsWith('_'))
      throw new AppKitError(`${field} is the sync's own; the kit writes it, leave it out`);
    if (LOCAL_ONLY_COLUMNS.has(name))
      throw new AppKitError(`${field} is local bookkeeping and never leaves the device`);
    if (!known.has(name)) throw new AppKitError(`${field} is not a column of ${table}`);
    if (value === undefined)
      throw new AppKitError(`${field} is undefined (Firestore refuses it; null clears a column)`);
  }
  if (values.user_id !== undefined && values.user_id !== context.userId)
    throw new AppKitError(
      `${table}/${id}: user_id must be the signed-in user's uid (the ${what} would be denied)`,
    );
  return { ...(values as Record<string, Value>), user_id: context.userId };
}

function failOnMalformed(check: () => unknown): void {
  try {
    check();
  } catch (error) {
    throw new AppKitError((error as Error).message);
  }
}
