import Sqlite from 'better-sqlite3';
import type { DataTable } from '../db/schema-current';
import { currentSchema } from '../db/schema-current';

/** How the invariants read a device: its rows as stored, and how many changes are queued. */
export interface DeviceView {
  deviceId: string;
  rows(table: DataTable): Promise<Array<Record<string, unknown>>>;
  queued(): Promise<number>;
  /** A record this device may legitimately lack (e.g. removed by its retention cleanup). */
  mayLack?(table: DataTable, id: string, server: Record<string, unknown>): boolean;
  /** Its records parked in `error` (queue rows waiting for the user's Retry). */
  parked?(): Promise<ParkedRow[]>;
}

/** A parked queue row as stored: `last_error` is `code: message` (src/sync/failure.ts). */
export interface ParkedRow {
  table: DataTable;
  id: string;
  code: string;
  message: string;
  attempts: number;
}

/** The engine parks a row by scheduling it at the end of time (src/sync/queue.ts, PARKED_AT). */
export const PARKED_AT = 8_640_000_000_000_000;

/**
 * A device's database read the way a forensic tool would: its SQLite file opened read-only,
 * beside (not through) the WatermelonDB instance that writes it. The judge trusts nothing the
 * sync code keeps in memory. Booleans are stored as 0/1; they are read back as the schema says.
 * Rows WatermelonDB marked deleted (and has not yet purged) are not the device's records.
 *
 * Only SQLite: every simulated device (`run`, scenarios) is opened on a SQLite file
 * (src/simulate/simulated-device.ts); a LokiJS device is never judged.
 */
export class DeviceReader {
  private readonly sqlite: Sqlite.Database;
  private readonly booleans = new Map<string, string[]>();

  constructor(
    readonly deviceId: string,
    file: string,
  ) {
    this.sqlite = new Sqlite(file, { readonly: true, fileMustExist: true });
    for (const [name, table] of Object.entries(currentSchema.tables)) {
      this.booleans.set(
        name,
        Object.values(table.columns)
          .filter((c) => c.type === 'boolean')
          .map((c) => c.name),
      );
    }
  }

  rows(table: DataTable): Array<Record<string, unknown>> {
    const rows = this.sqlite
      .prepare(`SELECT * FROM ${table} WHERE _status IS NOT 'deleted'`)
      .all() as Array<Record<string, unknown>>;
    const booleans = this.booleans.get(table) ?? [];
    for (const row of rows)
      for (const column of booleans)
        if (row[column] !== null && row[column] !== undefined) row[column] = row[column] === 1;
    return rows;
  }

  row(table: DataTable, id: string): Record<string, unknown> | null {
    const row = this.sqlite
      .prepare(`SELECT * FROM ${table} WHERE id = ? AND _status IS NOT 'deleted'`)
      .get(id) as Record<string, unknown> | undefined;
    if (!row) return null;
    for (const column of this.booleans.get(table) ?? [])
      if (row[column] !== null && row[column] !== undefined) row[column] = row[column] === 1;
    return row;
  }

  /** Ids of `table` that have a change in the sync queue. */
  queuedIds(table: DataTable): Set<string> {
    const rows = this.sqlite
      .prepare(
        "SELECT document_id FROM sync_queue WHERE collection = ? AND _status IS NOT 'deleted'",
      )
      .all(table) as Array<{ document_id: string }>;
    return new Set(rows.map((r) => r.document_id));
  }

  queuedCount(): number {
    return (
      this.sqlite
        .prepare("SELECT count(*) AS n FROM sync_queue WHERE _status IS NOT 'deleted'")
        .get() as { n: number }
    ).n;
  }

  /** Queue rows parked in `error`, oldest first, with their error split into code and message. */
  parkedRows(): ParkedRow[] {
    const rows = this.sqlite
      .prepare(
        "SELECT collection, document_id, last_error, attempts FROM sync_queue WHERE scheduled_at >= ? AND _status IS NOT 'deleted' ORDER BY collection, document_id",
      )
      .all(PARKED_AT) as Array<{
      collection: DataTable;
      document_id: string;
      last_error: string | null;
      attempts: number;
    }>;
    return rows.map((r) => {
      const text = r.last_error ?? '';
      const colon = text.indexOf(': ');
      return {
        table: r.collection,
        id: r.document_id,
        code: colon > 0 ? text.slice(0, colon) : '',
        message: colon > 0 ? text.slice(colon + 2) : text,
        attempts: r.attempts,
      };
    });
  }

  view(mayLack?: DeviceView['mayLack']): DeviceView {
    return {
      deviceId: this.deviceId,
      rows: async (table) => this.rows(table),
      queued: async () => this.queuedCount(),
      mayLack,
      parked: async () => this.parkedRows(),
    };
  }

  close(): void {
    this.sqlite.close();
  }
}
