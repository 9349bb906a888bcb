import type { ColumnSchema } from '@nozbe/watermelondb/Schema';
import { isSafeId } from '../core/ids';
import type { DataTable } from '../db/schema-current';
import { currentSchema } from '../db/schema-current';
import type { Version } from './version';
import { boundProblem } from './wire-limits';

/**
 * How a local record maps to its Firestore document (docs/wire-format.md).
 *   path        {table}/{record id}  (the app's top-level collections, keyed by record id)
 *   fields      every schema column under its own name, except the local-only ones; numbers,
 *               strings, booleans and null as stored locally (dates are epoch milliseconds)
 *   _server_time  server timestamp of the last write (pull cursor)
 *   _device       device id of the last writer (recognises its own echoes and lost acks)
 *   _deleted      true on a tombstone (a deleted record; its data fields are removed)
 *   _ft           map field -> server timestamp of that field's last change (three-way merge)
 */
export const LOCAL_ONLY_COLUMNS = new Set(['sync_status', 'synced_at', 'remote_version']);
export const META = {
  serverTime: '_server_time',
  device: '_device',
  deleted: '_deleted',
  fieldTimes: '_ft',
} as const;

export type Value = string | number | boolean | null;
export type Values = Record<string, Value>;

/** A document as the sync engine sees it, whatever the remote. */
export interface RemoteDoc {
  id: string;
  /** The document's update time: what a later write's precondition states. */
  version: Version;
  deleted: boolean;
  device: string | null;
  /** Data fields as stored (may be malformed: check with readValues). */
  data: Record<string, unknown>;
  fieldTimes: Record<string, Version>;
  /** Why the document cannot be applied as it is (bad meta fields, bad id); null: well formed. */
  malformed?: string | null;
}

const columnsCache = new Map<string, ColumnSchema[]>();

/** The columns of `table` that travel to the server, in schema order. */
export function syncedColumns(table: DataTable): ColumnSchema[] {
  let columns = columnsCache.get(table);
  if (!columns) {
    columns = currentSchema.tables[table].columnArray.filter(
      (c) => !LOCAL_ONLY_COLUMNS.has(c.name),
    );
    columnsCache.set(table, columns);
  }
  return columns;
}

export function syncedColumnNames(table: DataTable): string[] {
  return syncedColumns(table).map((c) => c.name);
}

/** The synced values of a local raw record. */
export function valuesOfRaw(table: DataTable, raw: Record<string, unknown>): Values {
  const values: Values = {};
  for (const column of syncedColumns(table))
    values[column.name] = (raw[column.name] ?? null) as Value;
  return values;
}

export class MalformedDocumentError extends Error {
  override name = 'MalformedDataError';
}

/**
 * The values of a remote document, checked against the schema: every non-optional column must
 * be present with its type; optional ones may be null or absent. Unknown fields are ignored
 * (a newer schema's additions). Throws MalformedDocumentError naming the field, never the value.
 */
export function readValues(table: DataTable, doc: RemoteDoc): Values {
  const values: Values = {};
  for (const column of syncedColumns(table)) {
    const value = doc.data[column.name];
    if (value === undefined || value === null) {
      if (!column.isOptional) {
        throw new MalformedDocumentError(
          `${table}/${doc.id}: required field ${column.name} is missing`,
        );
      }
      values[column.name] = null;
      continue;
    }
    const problem = valueProblem(table, column, value);
    if (problem) throw new MalformedDocumentError(`${table}/${doc.id}: ${problem}`);
    values[column.name] = value as Value;
  }
  return values;
}

/**
 * Why `value` (present, not null) cannot be `column`'s value: its type, then the wire limits
 * (null: it can). Names the field, never the value. The pull's decoder (readValues) and the app
 * kit's builders (src/app-kit/) share it, so the app cannot write what a device would refuse.
 */
export function valueProblem(
  table: DataTable,
  column: ColumnSchema,
  value: unknown,
): string | null {
  const ok =
    column.type === 'number'
      ? typeof value === 'number' && Number.isFinite(value)
      : typeof value === column.type;
  if (!ok) {
    return typeof value === 'number' && column.type === 'number'
      ? `field ${column.name} is not a finite number`
      : `field ${column.name} should be a ${column.type}, is ${kindOf(value)}`;
  }
  return boundProblem(table, column.name, value);
}

/**
 * Throws MalformedDocumentError unless `doc` can be applied whole: its envelope is sound (see
 * assertSoundEnvelope) and, unless it is a tombstone, its values fit the schema and the wire
 * limits.
 */
export function assertWellFormed(table: DataTable, doc: RemoteDoc): void {
  assertSoundEnvelope(table, doc);
  if (!doc.deleted) readValues(table, doc);
}

/**
 * Everything but the values: the id is safe, the meta fields are well formed, and the document
 * carries no field this schema does not know (a newer app version's field would be lost when this
 * device next writes the record, so the document waits instead). Reconcile checks this first and
 * leaves the values to readValues, which every path that uses them calls.
 */
export function assertSoundEnvelope(table: DataTable, doc: RemoteDoc): void {
  if (!isSafeId(doc.id)) {
    throw new MalformedDocumentError(`${table}: a document id is not a valid record id`);
  }
  if (doc.malformed) throw new MalformedDocumentError(`${table}/${doc.id}: ${doc.malformed}`);
  const known = knownFields(table);
  const unknown = Object.keys(doc.data).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((name) => JSON.stringify(name.slice(0, 64)));
    throw new MalformedDocumentError(
      `${table}/${doc.id}: ${unknown.length} field(s) this schema does not know (${names.join(', ')}${unknown.length > 5 ? ', …' : ''}); written by a newer app version?`,
    );
  }
}

/** What a value is, for a message (never the value itself). */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'a map or other object';
  return `a ${typeof value}`;
}

const knownCache = new Map<string, Set<string>>();
function knownFields(table: DataTable): Set<string> {
  let known = knownCache.get(table);
  if (!known) {
    known = new Set(syncedColumnNames(table));
    knownCache.set(table, known);
  }
  return known;
}

/** Names of the fields whose values differ between two value sets. */
export function differingFields(table: DataTable, a: Values, b: Values): string[] {
  return syncedColumnNames(table).filter((name) => !Object.is(a[name] ?? null, b[name] ?? null));
}
