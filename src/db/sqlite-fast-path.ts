import type { Database } from '@nozbe/watermelondb';
import { deleteRows } from './delete-rows';
import { findByIds } from './find-by-ids';
import { insertRows } from './insert-rows';
import { isSqlite, narrowUpdate, updateByIds } from './narrow-update';
import { publicRecordAccess, type RecordAccess } from './record-access';

/**
 * The SQLite fast path of the record access port (src/db/record-access.ts): the one place the
 * engine's work reaches WatermelonDB's private APIs — `collection._cache` (find-by-ids.ts),
 * `unsafeExecute` (narrow-update.ts, insert-rows.ts, delete-rows.ts) and the adapter's `adapterType`. The engine
 * never imports this module (.dependency-cruiser.cjs); the wiring hands it in.
 */
export const sqliteFastPath: RecordAccess = {
  name: 'sqlite-fast-path',
  findByIds,
  narrowUpdate,
  updateByIds,
  deleteRows,
  insertRows,
  sqlQueries: true,
};

/** The fast path on SQLite, the public API on anything else (LokiJS). */
export function recordAccessFor(db: Database): RecordAccess {
  return isSqlite(db) ? sqliteFastPath : publicRecordAccess;
}
