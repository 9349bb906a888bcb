import type { ColumnSchema } from '@nozbe/watermelondb/Schema';
import { currentSchema } from '../db/schema-current';
import type { DataTable } from '../db/schema-v2';
import type { Version } from './version';

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
    const ok =
      column.type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : typeof value === column.type;
    if (!ok) {
      throw new MalformedDocumentError(
        `${table}/${doc.id}: field ${column.name} should be a ${column.type}, is a ${typeof value}`,
      );
    }
    values[column.name] = value as Value;
  }
  return values;
}

/** Names of the fields whose values differ between two value sets. */
export function differingFields(table: DataTable, a: Values, b: Values): string[] {
  return syncedColumnNames(table).filter((name) => !Object.is(a[name] ?? null, b[name] ?? null));
}
