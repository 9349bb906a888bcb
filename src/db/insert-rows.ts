import type { Database } from '@nozbe/watermelondb';
import { sanitizedRaw } from '@nozbe/watermelondb/RawRecord';
import { isSqlite } from './narrow-update';

type Row = Record<string, string | number | boolean | null> & { id: string };

/**
 * Inserts new rows on SQLite with plain INSERTs, inside a writer, without creating WatermelonDB
 * records. A first sync of 100,000 documents otherwise leaves 100,000 records in WatermelonDB's
 * cache (≈ 190 MB of heap, measured); rows inserted this way are read from the database when
 * something asks for them. Like narrowUpdate, no change notification is sent (nothing observes a
 * pull). Every column is filled as WatermelonDB would (its sanitizer), booleans as 0/1. A row
 * whose id exists fails the whole call: nothing is overwritten.
 */
export async function insertRows(db: Database, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  if (!isSqlite(db)) throw new Error('insertRows is for SQLite databases');
  const schema = db.schema.tables[table];
  // One statement text for every row (the columns are the schema's, in sanitizedRaw's order):
  // built once per call instead of once per row, and prepared once by the connection's cache.
  const columns = ['id', '_status', '_changed', ...schema.columnArray.map((c) => c.name)];
  const sql = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
  const sqls: Array<[string, unknown[]]> = new Array(rows.length);
  for (let r = 0; r < rows.length; r += 1) {
    const raw = sanitizedRaw(rows[r], schema) as unknown as Record<string, unknown>;
    raw._status = 'created';
    raw._changed = '';
    const args = new Array(columns.length);
    for (let c = 0; c < columns.length; c += 1) {
      const value = raw[columns[c]];
      args[c] = typeof value === 'boolean' ? Number(value) : value;
    }
    sqls[r] = [sql, args];
  }
  await (
    db.adapter as unknown as {
      unsafeExecute(w: { sqls: Array<[string, unknown[]]> }): Promise<void>;
    }
  ).unsafeExecute({ sqls });
}
