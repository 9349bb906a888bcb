import { type Database, type Model, Q } from '@nozbe/watermelondb';
import { prepareRawUpdate } from './raw-update';

type RawPatch = Record<string, string | number | null>;

/** Well under SQLite's limit on bound parameters. */
const IDS_PER_STATEMENT = 400;

interface Adapters {
  underlyingAdapter: { constructor: { adapterType?: string } };
  unsafeExecute(work: { sqls: Array<[string, unknown[]]> }): Promise<void>;
}

/** Whether the database runs on SQLite (where narrow SQL paths apply) rather than LokiJS. */
export function isSqlite(db: Database): boolean {
  return (db.adapter as unknown as Adapters).underlyingAdapter.constructor.adapterType === 'sqlite';
}

/**
 * Writes a few bookkeeping columns (sync status, times, versions) of many records, inside a
 * writer. On SQLite this is narrow `UPDATE … SET <those columns> WHERE id IN (…)` statements, one
 * per group of records with the same patch,
 * instead of WatermelonDB's rewrite of the whole row (and of every index on it), and the cached
 * records are patched in memory so WatermelonDB's cache stays exactly what the database holds.
 * Nothing observes these columns through WatermelonDB's change notifications, which this path
 * does not send. On LokiJS it is an ordinary batch.
 */
export async function narrowUpdate(
  db: Database,
  table: string,
  updates: Array<{ record: Model; patch: RawPatch }>,
): Promise<void> {
  if (updates.length === 0) return;
  const adapter = db.adapter as unknown as Adapters;
  if (!isSqlite(db)) {
    await db.batch(updates.map(({ record, patch }) => prepareRawUpdate(record, patch)));
    return;
  }
  // Records getting the same patch (a whole pushed chunk shares its status, time and version)
  // go in one statement per few hundred ids instead of one each.
  const groups = new Map<string, { patch: RawPatch; ids: string[] }>();
  for (const { record, patch } of updates) {
    const key = JSON.stringify(Object.entries(patch));
    const group = groups.get(key) ?? { patch, ids: [] };
    group.ids.push(record.id);
    groups.set(key, group);
  }
  const sqls: Array<[string, unknown[]]> = [];
  for (const { patch, ids } of groups.values()) {
    const columns = Object.keys(patch);
    const set = columns.map((c) => `"${c}" = ?`).join(', ');
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      const slice = ids.slice(i, i + IDS_PER_STATEMENT);
      sqls.push([
        `update "${table}" set ${set} where "id" in (${slice.map(() => '?').join(', ')})`,
        [...columns.map((c) => patch[c]), ...slice],
      ]);
    }
  }
  await adapter.unsafeExecute({ sqls });
  for (const { record, patch } of updates) Object.assign(record._raw, patch);
}

/**
 * Writes the same patch to the records of `table` with the given ids (missing ids are skipped),
 * inside a writer, without finding their WatermelonDB records: on SQLite one narrow UPDATE per
 * few hundred ids, and the records WatermelonDB holds in memory (its collection cache) patched
 * alike, so the cache stays what the database holds. A push marks a whole collection `syncing`
 * this way in one statement per 400 records. On LokiJS: found and written by an ordinary batch.
 */
export async function updateByIds(
  db: Database,
  table: string,
  ids: readonly string[],
  patch: RawPatch,
): Promise<void> {
  if (ids.length === 0) return;
  if (!isSqlite(db)) {
    const records = await db
      .get(table)
      .query(Q.where('id', Q.oneOf([...ids])))
      .fetch();
    await db.batch(records.map((record) => prepareRawUpdate(record, patch)));
    return;
  }
  const columns = Object.keys(patch);
  const set = columns.map((c) => `"${c}" = ?`).join(', ');
  const sqls: Array<[string, unknown[]]> = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const slice = ids.slice(i, i + IDS_PER_STATEMENT);
    sqls.push([
      `update "${table}" set ${set} where "id" in (${slice.map(() => '?').join(', ')})`,
      [...columns.map((c) => patch[c]), ...slice],
    ]);
  }
  await (db.adapter as unknown as Adapters).unsafeExecute({ sqls });
  const cache = cacheOf(db, table);
  for (const id of ids) {
    const cached = cache.get(id);
    if (cached) Object.assign(cached._raw, patch);
  }
}

interface RecordCache {
  get(id: string): Model | undefined;
  delete(record: Model): void;
}

/** WatermelonDB's per-collection cache of the records it has handed out (private API). */
export function cacheOf(db: Database, table: string): RecordCache {
  return (db.get(table) as unknown as { _cache: RecordCache })._cache;
}
