import { documentWrite, type WriteSentinels } from '../adapters/firestore-remote';
import type { DataTable } from '../db/schema-current';
import { META, syncedColumns, type Values, valuesOfRaw } from '../sync/wire-format';

/**
 * The documents another writer (not a simulated device) puts on the server, built without I/O:
 *   wire       exactly what the sync engine writes for a new record: documentWrite() of a create,
 *              with the writing SDK's own sentinels (server timestamp), so rules and devices see
 *              the engine's own shape
 *   original   the app's original format: a plain set(data, {merge: true}) of the record's
 *              fields, no meta fields (no `_server_time`: the pull can never see it)
 *   malformed  the wire format broken one way per document, in turn: a value of the wrong type, a
 *              required field missing, a field this schema does not know (all three pulled and
 *              quarantined), or a `_server_time` that is not a timestamp (never pulled)
 * Only collections without files: a writer uploads nothing, and a voice note or photo without
 * its object in Storage would break the `files` invariant for a reason of the writer's making.
 */
export const WRITER_TABLES = ['health_data', 'location_data', 'text_notes'] as const;
export type WriterTable = (typeof WRITER_TABLES)[number];
export const WRITER_FORMATS = ['wire', 'original', 'malformed'] as const;
export type WriterFormat = (typeof WRITER_FORMATS)[number];
export const MALFORMATIONS = [
  'wrong-type',
  'missing-field',
  'unknown-field',
  'bad-server-time',
] as const;
export type Malformation = (typeof MALFORMATIONS)[number];

export interface WriterDocument {
  id: string;
  /** What goes to Firestore (sentinels included). */
  data: Record<string, unknown>;
  /** `set(data, { merge: true })` (the app's original write) rather than a plain set. */
  merge: boolean;
  /** The values a reader will find (the meta fields left out): what the judge's ledger records. */
  fields: Record<string, unknown>;
  malformation: Malformation | null;
}

/** Every synced column of a new record of `userId`, as a device would send it. */
export function recordValues(
  table: DataTable,
  generated: Values,
  userId: string,
  now: number,
): Values {
  return valuesOfRaw(table, { ...generated, user_id: userId, created_at: now, updated_at: now });
}

/** The `index`-th document of a writer's step (the malformation cycles with the index). */
export function writerDocument(input: {
  table: DataTable;
  id: string;
  values: Values;
  format: WriterFormat;
  writerId: string;
  sentinels: WriteSentinels;
  index: number;
}): WriterDocument {
  const { table, id, values, format } = input;
  if (format === 'original')
    return { id, data: { ...values }, merge: true, fields: { ...values }, malformation: null };
  const wire = documentWrite(
    { id, expected: null, set: values, remove: [], deleted: false, changed: [] },
    input.writerId,
    input.sentinels,
  ).data;
  if (format === 'wire')
    return { id, data: wire, merge: false, fields: dataFields(wire), malformation: null };
  const malformation = MALFORMATIONS[input.index % MALFORMATIONS.length];
  const data = malform(table, wire, malformation);
  return { id, data, merge: false, fields: dataFields(data), malformation };
}

function malform(
  table: DataTable,
  wire: Record<string, unknown>,
  how: Malformation,
): Record<string, unknown> {
  const required = syncedColumns(table).filter((c) => !c.isOptional && c.name !== 'user_id');
  const data = { ...wire };
  switch (how) {
    case 'wrong-type': {
      const column = required[0];
      data[column.name] = column.type === 'number' ? 'not a number' : 12345;
      return data;
    }
    case 'missing-field':
      delete data[required[required.length - 1].name];
      return data;
    case 'unknown-field':
      data.written_by_a_newer_app = 'a field this schema does not know';
      return data;
    case 'bad-server-time':
      data[META.serverTime] = '2026-01-01T08:00:00Z';
      return data;
  }
}

const META_FIELDS = new Set<string>(Object.values(META));

function dataFields(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !META_FIELDS.has(key)));
}
