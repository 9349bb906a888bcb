/**
 * What the judge knows of the wire format: which columns travel, which fields the sync fills in
 * itself, and when two stored values are the same. Written down here on purpose instead of
 * imported from the engine (src/sync/wire-format.ts): a judge that borrows the engine's notion of
 * what syncs would agree with the engine's mistakes. test/judge/judge-copies.test.ts fails when the
 * two drift apart.
 */

/**
 * Columns that never leave a device (they legitimately differ between devices): the app's sync
 * bookkeeping, the record id (it is the document id, not a field) and WatermelonDB's own tracking.
 */
export const LOCAL_ONLY = new Set([
  'sync_status',
  'synced_at',
  'remote_version',
  'id',
  '_status',
  '_changed',
]);

/** The wire format's own fields on every document (docs/wire-format.md). */
export const META_FIELDS = ['_server_time', '_device', '_deleted', '_ft'] as const;

/** Columns every write moves; they are nobody's user-visible value. */
export const BOOKKEEPING = new Set(['updated_at']);

/** Fields the sync itself fills in (upload URLs, the owner), and the wire format's own fields. */
export const SYNC_FILLED = new Set<string>([
  'audio_url',
  'storage_url',
  'thumbnail_url',
  'user_id',
  ...META_FIELDS,
]);

/** Stored values compare as equal when both are absent (null or undefined) or identical. */
export function same(a: unknown, b: unknown): boolean {
  return Object.is(a ?? null, b ?? null);
}
