import type { DataTable } from '../db/schema-current';
import { type AsTimestamp, hasPullableServerTime } from './decode-document';
import {
  assertWellFormed,
  LOCAL_ONLY_COLUMNS,
  MalformedDocumentError,
  META,
  syncedColumns,
  type Value,
} from './wire-format';

/** `_device` of an adopted document: no device wrote it, so every device pulls it as news. */
export const ADOPTED_BY = 'adopt';

/**
 * Fields a record's copy may carry that never leave a device: the app's original format writes
 * the record as it is (`set(data, {merge: true})`), local bookkeeping included.
 */
const DEVICE_ONLY = new Set([...LOCAL_ONLY_COLUMNS, '_status', '_changed']);

export type AdoptionPlan =
  | {
      kind: 'adopt';
      id: string;
      /** Fields to write besides the meta fields (dates converted to epoch milliseconds). */
      set: Record<string, Value>;
      /** Fields to remove (device-only ones, a copy of the id, stale field times). */
      remove: string[];
      deleted: boolean;
    }
  /** Its `_server_time` is valid now (written since it was listed): the pull sees it already. */
  | { kind: 'already-pullable'; id: string }
  /** It would not fit the wire format even adopted: left as it is, reported by id and field. */
  | { kind: 'unfit'; id: string; problem: string };

/**
 * How one document the pull cannot see becomes a wire-format document (pure). It gets a server
 * time, a writer and `_deleted`; fields that never leave a device are dropped; a date column
 * holding a Firestore timestamp becomes epoch milliseconds, as the wire format stores dates.
 * Nothing else is changed or guessed: the result must pass the same checks a pulled document
 * does (wire-format.ts), or the document is reported unfit and left alone — never half-written,
 * never named by value.
 */
export function planAdoption(
  table: DataTable,
  userId: string,
  id: string,
  data: Record<string, unknown>,
  asTimestamp: AsTimestamp,
): AdoptionPlan {
  if (hasPullableServerTime(data[META.serverTime], asTimestamp))
    return { kind: 'already-pullable', id };
  if (data.user_id !== userId)
    return { kind: 'unfit', id, problem: `${table}/${id}: user_id is not this user` };
  const deletedField = data[META.deleted];
  if (deletedField !== undefined && typeof deletedField !== 'boolean')
    return { kind: 'unfit', id, problem: `${table}/${id}: ${META.deleted} is not a boolean` };
  const deleted = deletedField === true;

  const remove: string[] = [];
  const set: Record<string, Value> = {};
  const after: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    if (field === META.serverTime || field === META.device || field === META.deleted) continue;
    if (DEVICE_ONLY.has(field) || field === META.fieldTimes || (field === 'id' && value === id)) {
      remove.push(field);
      continue;
    }
    after[field] = value;
  }
  for (const column of syncedColumns(table)) {
    const time = column.type === 'number' && isDateColumn(column.name) ? after[column.name] : null;
    const stamp = time === null ? null : asTimestamp(time);
    if (stamp) {
      const millis = stamp.seconds * 1000 + Math.floor(stamp.nanoseconds / 1e6);
      set[column.name] = millis;
      after[column.name] = millis;
    }
  }
  if (deleted) {
    // A tombstone keeps no data but its owner (docs/wire-format.md).
    for (const field of Object.keys(after)) {
      if (field === 'user_id') continue;
      remove.push(field);
      delete after[field];
      delete set[field];
    }
  }
  try {
    assertWellFormed(table, {
      id,
      version: '000000000000.000000000',
      deleted,
      device: ADOPTED_BY,
      data: after,
      fieldTimes: {},
      malformed: null,
    });
  } catch (error) {
    if (!(error instanceof MalformedDocumentError)) throw error;
    return { kind: 'unfit', id, problem: error.message };
  }
  return { kind: 'adopt', id, set, remove: remove.sort(), deleted };
}

/** The schema's date columns (recorded_at, created_at, updated_at, taken_at): epoch ms. */
function isDateColumn(name: string): boolean {
  return name.endsWith('_at');
}
