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
  const sqls: Array<[string, unknown[]]> = [];
  for (const row of rows) {
    const raw = { ...sanitizedRaw(row, schema), _status: 'created', _changed: '' } as Record<
      string,
      unknown
    >;
    const columns = Object.keys(raw);
    sqls.push([
      `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      columns.map((c) => (typeof raw[c] === 'boolean' ? Number(raw[c]) : raw[c])),
    ]);
  }
  await (
    db.adapter as unknown as {
      unsafeExecute(w: { sqls: Array<[string, unknown[]]> }): Promise<void>;
    }
  ).unsafeExecute({ sqls });
}
