import type { Database } from '@nozbe/watermelondb';
import { cacheOf, isSqlite } from './narrow-update';

/** Well under SQLite's limit on bound parameters. */
const IDS_PER_STATEMENT = 400;

/**
 * Deletes rows of `table` by id on SQLite, inside a writer, with plain DELETEs (missing ids are
 * skipped), and drops their records from WatermelonDB's collection cache, so that no lookup
 * hands out a deleted record. A settled push chunk removes its 500 queue rows this way instead of
 * preparing and batching 500 permanent destroys. No change notification is sent (nothing
 * observes the queue's rows). WatermelonDB's adapter keeps believing the ids are cached, which is
 * harmless as long as such a row is only ever created again through WatermelonDB (the queue's
 * rows are: prepareEnqueue), which caches the new record before any query can return its id.
 */
export async function deleteRows(
  db: Database,
  table: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  if (!isSqlite(db)) throw new Error('deleteRows is for SQLite databases');
  const sqls: Array<[string, unknown[]]> = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const slice = ids.slice(i, i + IDS_PER_STATEMENT);
    sqls.push([`delete from "${table}" where "id" in (${slice.map(() => '?').join(', ')})`, slice]);
  }
  await (
    db.adapter as unknown as {
      unsafeExecute(w: { sqls: Array<[string, unknown[]]> }): Promise<void>;
    }
  ).unsafeExecute({ sqls });
  const cache = cacheOf(db, table);
  for (const id of ids) {
    const cached = cache.get(id);
    if (cached) cache.delete(cached);
  }
}
