import type { Database, Model } from '@nozbe/watermelondb';
import { prepareRawUpdate } from './raw-update';

type RawPatch = Record<string, string | number | null>;

interface Adapters {
  underlyingAdapter: { constructor: { adapterType?: string } };
  unsafeExecute(work: { sqls: Array<[string, unknown[]]> }): Promise<void>;
}

/**
 * Writes a few bookkeeping columns (sync status, times, versions) of many records, inside a
 * writer. On SQLite this is one narrow `UPDATE … SET <those columns> WHERE id = ?` per record,
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
  if (adapter.underlyingAdapter.constructor.adapterType !== 'sqlite') {
    await db.batch(updates.map(({ record, patch }) => prepareRawUpdate(record, patch)));
    return;
  }
  const sqls: Array<[string, unknown[]]> = updates.map(({ record, patch }) => {
    const columns = Object.keys(patch);
    const sql = `update "${table}" set ${columns.map((c) => `"${c}" = ?`).join(', ')} where "id" = ?`;
    return [sql, [...columns.map((c) => patch[c]), record.id]];
  });
  await adapter.unsafeExecute({ sqls });
  for (const { record, patch } of updates) Object.assign(record._raw, patch);
}
