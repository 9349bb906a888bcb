import { type Database, type Model, Q } from '@nozbe/watermelondb';
import { prepareRawUpdate } from './raw-update';

export type ColumnPatch = Record<string, string | number | null>;
export type NewRow = Record<string, string | number | boolean | null> & { id: string };

/**
 * How the sync engine finds records by id and writes its bookkeeping columns, as a port with
 * two implementations, chosen when a device is wired (src/adapters/device-wiring.ts):
 * - `publicRecordAccess` (here): WatermelonDB's public API only, on any adapter; the engine's
 *   default, and what the app gets unless it opts into the fast path;
 * - the SQLite fast path (src/db/sqlite-fast-path.ts): WatermelonDB's private APIs
 *   (`unsafeExecute`, `adapterType`, `collection._cache`) for narrow SQL updates, inserts
 *   without records and cache lookups, measured to matter at 10k-100k records.
 * Both give the same results; they differ in speed and in what stays in WatermelonDB's cache.
 */
export interface RecordAccess {
  readonly name: 'public' | 'sqlite-fast-path';
  /** Records of `table` with the given ids, by id (missing ids: no such record). */
  findByIds<T extends Model = Model>(
    db: Database,
    table: string,
    ids: readonly string[],
  ): Promise<Map<string, T>>;
  /** Writes a few bookkeeping columns of many records, inside a writer. */
  narrowUpdate(
    db: Database,
    table: string,
    updates: Array<{ record: Model; patch: ColumnPatch }>,
  ): Promise<void>;
  /** Writes the same bookkeeping columns to the records with the given ids, inside a writer. */
  updateByIds(
    db: Database,
    table: string,
    ids: readonly string[],
    patch: ColumnPatch,
  ): Promise<void>;
  /**
   * Deletes rows by id with plain SQL, inside a writer, without preparing WatermelonDB destroys.
   * Null: not offered, rows are destroyed through a batch.
   */
  deleteRows: ((db: Database, table: string, ids: readonly string[]) => Promise<void>) | null;
  /**
   * Inserts rows new to the device as plain rows, inside a writer, without WatermelonDB records
   * in memory; a row whose id exists fails the call. Null: not offered, records are created.
   */
  insertRows: ((db: Database, table: string, rows: NewRow[]) => Promise<void>) | null;
  /** Whether `Q.unsafeSqlQuery` works on the database (SQLite). */
  sqlQueries: boolean;
}

/** A device database with the record access wired for it; the engine passes this pair around. */
export interface LocalDb {
  db: Database;
  records: RecordAccess;
}

/** Ids per query: well under SQLite's limit on bound parameters. */
const IDS_PER_QUERY = 900;

export const publicRecordAccess: RecordAccess = {
  name: 'public',
  async findByIds<T extends Model = Model>(db: Database, table: string, ids: readonly string[]) {
    const collection = db.get<T>(table);
    const found = new Map<string, T>();
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const chunk = ids.slice(i, i + IDS_PER_QUERY);
      for (const record of await collection.query(Q.where('id', Q.oneOf(chunk))).fetch()) {
        found.set(record.id, record);
      }
    }
    return found;
  },
  async narrowUpdate(db, _table, updates) {
    if (updates.length === 0) return;
    await db.batch(updates.map(({ record, patch }) => prepareRawUpdate(record, patch)));
  },
  async updateByIds(db, table, ids, patch) {
    const records = await publicRecordAccess.findByIds(db, table, ids);
    if (records.size === 0) return;
    await db.batch([...records.values()].map((record) => prepareRawUpdate(record, patch)));
  },
  deleteRows: null,
  insertRows: null,
  sqlQueries: false,
};
