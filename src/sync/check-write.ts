import { isSafeId } from '../core/ids';
import { utf8ByteLength } from '../core/utf8';
import type { DataTable } from '../db/schema-current';
import type { ErrorClass } from './classify-error';
import type { LocalChange, PlannedWrite } from './plan-push';
import { syncedColumnNames, valuesOfRaw } from './wire-format';
import {
  boundProblem,
  documentBytes,
  documentBytesBound,
  MAX_DOCUMENT_BYTES,
  metaBytes,
} from './wire-limits';

/**
 * Why a planned write must not leave the device (pure; null: it may). Checked before the push,
 * so a record the server would refuse is parked in `error` with a message saying what to fix,
 * instead of failing a whole batch on the wire. The message names fields and sizes, never values.
 */
export function writeProblem(
  table: DataTable,
  change: LocalChange,
  planned: PlannedWrite,
  deviceId: string,
): ErrorClass | null {
  if (!isSafeId(change.id)) {
    return invalid(
      'invalid-id',
      `${table}: record id is not a valid document id (1-128 letters, digits, "_", "-" or ".", not leading, no ".."); it cannot be synced`,
    );
  }
  for (const [field, value] of Object.entries(planned.write.set)) {
    const problem = boundProblem(table, field, value);
    if (problem) return invalid('invalid-record', `${problem}; fix the record to sync it`);
  }
  if (planned.write.deleted || !change.raw) return null;
  // The whole document as it will stand on the server: every synced value, the meta fields, and
  // a change time for every field (the worst case, once each field has been edited). Counted
  // exactly only when a cheap upper bound does not already show it within the limit.
  const values = planned.snapshot ?? valuesOfRaw(table, change.raw);
  const meta = metaBytes(deviceId, syncedColumnNames(table));
  if (documentBytesBound(table, change.id, values) + meta <= MAX_DOCUMENT_BYTES) return null;
  const bytes = documentBytes(table, change.id, values) + meta;
  if (bytes <= MAX_DOCUMENT_BYTES) return null;
  const largest = Object.entries(values)
    .filter(([, v]) => typeof v === 'string')
    .map(([name, v]) => ({ name, bytes: utf8ByteLength(v as string) }))
    .sort((a, b) => b.bytes - a.bytes)[0];
  return invalid(
    'document-too-large',
    `its document would be ${bytes.toLocaleString('en-US')} bytes, over Firestore's limit of ${MAX_DOCUMENT_BYTES.toLocaleString('en-US')} (1 MiB)${largest ? `; its largest field is ${largest.name} (${largest.bytes.toLocaleString('en-US')} bytes): shorten it to sync the record` : ''}`,
  );
}

function invalid(code: string, message: string): ErrorClass {
  return { kind: 'permanent', code, message };
}
