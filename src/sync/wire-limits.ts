import { isSafeId, MAX_ID_LENGTH } from '../core/ids';
import { utf8ByteLength as utf8 } from '../core/utf8';
import type { DataTable } from '../db/schema-current';

/**
 * Bounds of the wire format beyond types: what a document may hold so that no device is asked to
 * apply (or the server to store) something absurd. One table, used by the pull's decoder, by the
 * push's pre-check and by the Firestore rules (firestore.rules is generated from it, see
 * src/rules/generate-rules.ts), so that the three never disagree.
 *
 * Problems are described by field name, length or kind, never by value: the data is personal.
 */

/** Firestore's limit on one document (name, fields and index overhead, as it counts them). */
export const MAX_DOCUMENT_BYTES = 1_048_576;
/** Epoch milliseconds from 1970 up to the end of year 9999: anything else is not a real time. */
export const TIME_MIN = 0;
export const TIME_MAX = 253_402_300_799_999;

/** Free text a person writes or dictates (a diary entry, a transcription). */
const LONG_TEXT = 500_000;
/** Tags as a JSON array, captions, a health reading's metadata. */
const MEDIUM_TEXT = 20_000;
/** Links and device file paths. */
const URI = 4_096;
/** Labels: units, sources, place names, moods. */
const SHORT_TEXT = 1_000;

export interface FieldRule {
  /** Longest string allowed, in UTF-16 code units (what Firestore rules' size() counts). */
  maxLength?: number;
  /** The only strings allowed. */
  oneOf?: readonly string[];
  /** Inclusive numeric bounds. */
  min?: number;
  max?: number;
  /** A safe id: letters, digits, `_`, `-`, `.` (not leading, no `..`), 1-128 characters. */
  id?: boolean;
}

const time: FieldRule = { min: TIME_MIN, max: TIME_MAX };
const latitude: FieldRule = { min: -90, max: 90 };
const longitude: FieldRule = { min: -180, max: 180 };
const common = {
  user_id: { id: true, maxLength: MAX_ID_LENGTH },
  embedding_id: { maxLength: SHORT_TEXT },
  created_at: time,
  updated_at: time,
} satisfies Record<string, FieldRule>;

export const FIELD_RULES: Record<DataTable, Record<string, FieldRule>> = {
  health_data: {
    ...common,
    data_type: { maxLength: SHORT_TEXT },
    unit: { maxLength: SHORT_TEXT },
    source: { maxLength: SHORT_TEXT },
    metadata: { maxLength: MEDIUM_TEXT },
    recorded_at: time,
  },
  location_data: {
    ...common,
    latitude,
    longitude,
    accuracy: { min: 0 },
    visit_duration: { min: 0 },
    address: { maxLength: SHORT_TEXT },
    place_name: { maxLength: SHORT_TEXT },
    place_type: { maxLength: SHORT_TEXT },
    activity_type: { maxLength: SHORT_TEXT },
    recorded_at: time,
  },
  voice_notes: {
    ...common,
    audio_uri: { maxLength: URI },
    audio_url: { maxLength: URI },
    duration: { min: 0 },
    mime_type: { maxLength: SHORT_TEXT },
    transcription: { maxLength: LONG_TEXT },
    transcription_status: { maxLength: SHORT_TEXT },
    title: { maxLength: SHORT_TEXT },
    tags: { maxLength: MEDIUM_TEXT },
    recorded_at: time,
  },
  text_notes: {
    ...common,
    type: { oneOf: ['diary', 'thought'] },
    title: { maxLength: SHORT_TEXT },
    content: { maxLength: LONG_TEXT },
    tags: { maxLength: MEDIUM_TEXT },
    mood: { maxLength: SHORT_TEXT },
  },
  photo_memories: {
    ...common,
    local_uri: { maxLength: URI },
    storage_url: { maxLength: URI },
    thumbnail_url: { maxLength: URI },
    caption: { maxLength: MEDIUM_TEXT },
    ai_description: { maxLength: MEDIUM_TEXT },
    tags: { maxLength: MEDIUM_TEXT },
    latitude,
    longitude,
    taken_at: time,
  },
};

/**
 * The first bound `value` breaks, described without the value (null: within bounds). The value's
 * type has already been checked against the schema.
 */
export function boundProblem(table: DataTable, field: string, value: unknown): string | null {
  const rule = FIELD_RULES[table][field];
  if (!rule || value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (rule.id && !isSafeId(value)) return `field ${field} is not a valid id`;
    if (rule.maxLength !== undefined && value.length > rule.maxLength)
      return `field ${field} is ${value.length} characters long (limit ${rule.maxLength})`;
    if (rule.oneOf && !rule.oneOf.includes(value))
      return `field ${field} is not one of the allowed values (${rule.oneOf.join(', ')})`;
  }
  if (typeof value === 'number') {
    if (rule.min !== undefined && value < rule.min)
      return `field ${field} is below its lower bound ${rule.min}`;
    if (rule.max !== undefined && value > rule.max)
      return `field ${field} is above its upper bound ${rule.max}`;
  }
  return null;
}

/**
 * Firestore's storage size of a document (its documented formula: name, field names and values,
 * plus 32 bytes), with the meta fields a push adds. Strings count their UTF-8 bytes + 1.
 */
export function documentBytes(
  table: DataTable,
  id: string,
  fields: Record<string, unknown>,
): number {
  const nameBytes = utf8(table) + 1 + utf8(id) + 1 + 16;
  let bytes = nameBytes + 32;
  for (const [name, value] of Object.entries(fields)) bytes += utf8(name) + 1 + valueBytes(value);
  return bytes;
}

/**
 * An upper bound of documentBytes, cheap to compute: a string counts 3 bytes per UTF-16 code
 * unit (no code point takes more in UTF-8: 1-3 bytes for one unit, 4 for a surrogate pair of
 * two), so no string is scanned. When the bound is within the limit the exact size is too; only
 * documents near the limit need the exact count (the push checks every record it sends).
 */
export function documentBytesBound(
  table: DataTable,
  id: string,
  fields: Record<string, unknown>,
): number {
  let bytes = 3 * table.length + 1 + 3 * id.length + 1 + 16 + 32;
  for (const name in fields) {
    const value = fields[name];
    bytes += 3 * name.length + 1;
    if (typeof value === 'string') bytes += 3 * value.length + 1;
    else if (typeof value === 'object' && value !== null) return Number.POSITIVE_INFINITY;
    else bytes += 8;
  }
  return bytes;
}

/** The meta fields' share of a document (server time, device, deleted flag, one time per field). */
export function metaBytes(deviceId: string, changedFields: readonly string[]): number {
  let bytes = utf8('_server_time') + 1 + 8 + utf8('_device') + 1 + utf8(deviceId) + 1;
  bytes += utf8('_deleted') + 1 + 1 + utf8('_ft') + 1;
  for (const field of changedFields) bytes += utf8(field) + 1 + 8;
  return bytes;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8(value) + 1;
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (typeof value === 'object') {
    let bytes = 0;
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      bytes += utf8(k) + 1 + valueBytes(v);
    return bytes;
  }
  return 8;
}
