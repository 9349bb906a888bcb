import type { Database } from '@nozbe/watermelondb';
import { cacheOf, isSqlite } from './narrow-update';

type DestroyOperation = ['destroyPermanently', string, string];

interface AdapterBatch {
  batch(operations: DestroyOperation[]): Promise<void>;
}

/**
 * Deletes rows of `table` by id on SQLite, inside a writer (missing ids are skipped), without
 * WatermelonDB records: the adapter's own batch of permanent destroys (one prepared DELETE run
 * per id in one transaction, and the adapter forgets the ids it had cached, so a later `find()`
 * asks the database), then the records leave WatermelonDB's collection cache, so that no lookup
 * hands out a deleted record. A settled push chunk removes its 500 queue rows this way instead of
 * preparing 500 destroys on records. No change notification is sent (nothing observes the
 * queue's rows).
 */
export async function deleteRows(
  db: Database,
  table: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  if (!isSqlite(db)) throw new Error('deleteRows is for SQLite databases');
  await (db.adapter as unknown as AdapterBatch).batch(
    ids.map((id): DestroyOperation => ['destroyPermanently', table, id]),
  );
  const cache = cacheOf(db, table);
  for (const id of ids) {
    const cached = cache.get(id);
    if (cached) cache.delete(cached);
  }
}
