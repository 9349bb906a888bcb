import { type Database, type Model, Q } from '@nozbe/watermelondb';

/** Records of `table` with the given ids, by id (SQLite limits bound parameters, hence chunks). */
export async function findByIds<T extends Model = Model>(
  db: Database,
  table: string,
  ids: readonly string[],
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  for (let i = 0; i < ids.length; i += 900) {
    const chunk = ids.slice(i, i + 900);
    for (const record of await db
      .get<T>(table)
      .query(Q.where('id', Q.oneOf(chunk)))
      .fetch()) {
      found.set(record.id, record);
    }
  }
  return found;
}
