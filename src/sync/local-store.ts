import type { Database, Model } from '@nozbe/watermelondb';
import type { Clock } from '../core/clock';
import { prepareRawUpdate, rawOf } from '../db/raw-update';
import { type LocalDb, publicRecordAccess, type RecordAccess } from '../db/record-access';
import type { DataTable } from '../db/schema-current';
import { type Defects, hasDefect } from './defects';
import { findLocalState, prepareEnqueue } from './queue';
import { nextStatus } from './status-machine';
import { syncedColumnNames, type Value, type Values } from './wire-format';

/**
 * How the app (and the simulator) changes data on a device: every create, update and delete
 * writes the record and its sync_queue row in one transaction, so a change is either recorded
 * for sync or did not happen — also across a crash. Times come from the injected clock.
 */
export class LocalStore {
  private readonly local: LocalDb;

  /** `records`: the public WatermelonDB API unless the device is wired with the SQLite fast path. */
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly userId: string,
    records: RecordAccess = publicRecordAccess,
    /** Test-only defects (defects.ts); undefined in every real use. */
    private readonly defects?: Defects,
    /**
     * Called after records are created, outside the transaction: the SyncManager makes the new
     * photos' thumbnails and checksums here, as a camera flow would (src/files/recorded-photos.ts).
     */
    private readonly onCreated?: (table: DataTable, rows: Array<Partial<Values>>) => Promise<void>,
  ) {
    this.local = { db, records };
  }

  /** Creates records (one transaction for all); returns their ids. */
  async create(
    table: DataTable,
    rows: Array<Partial<Values> & { id?: string }>,
  ): Promise<string[]> {
    const ids = await this.createRecords(table, rows);
    await this.onCreated?.(table, rows);
    return ids;
  }

  private createRecords(
    table: DataTable,
    rows: Array<Partial<Values> & { id?: string }>,
  ): Promise<string[]> {
    return this.db.write(async () => {
      const now = this.clock.now();
      const collection = this.db.get(table);
      const prepared: Model[] = [];
      const ids: string[] = [];
      // An id deleted on this device whose delete has not gone up yet has a queue row: the new
      // record's change coalesces with it (queue.ts) rather than colliding with it.
      const given = rows.flatMap((row) => (row.id ? [row.id] : []));
      const queued =
        given.length > 0
          ? (await findLocalState(this.local, table, given)).rows
          : new Map<string, never>();
      for (const row of rows) {
        const { id, ...values } = row;
        const record = collection.prepareCreateFromDirtyRaw({
          ...(id ? { id } : {}),
          ...values,
          user_id: this.userId,
          created_at: values.created_at ?? now,
          updated_at: values.updated_at ?? now,
          sync_status: nextStatus('absent', 'created'),
          synced_at: null,
          remote_version: null,
        });
        ids.push(record.id);
        prepared.push(record);
        prepared.push(
          prepareEnqueue(this.db, queued.get(record.id) ?? null, {
            table,
            recordId: record.id,
            operation: 'create',
            fields: syncedColumnNames(table),
            base: null,
            now,
          }),
        );
      }
      await this.db.batch(prepared);
      return ids;
    });
  }

  /** Changes fields of a record; `updated_at` moves to the device clock's now. */
  async update(table: DataTable, id: string, changes: Partial<Values>): Promise<void> {
    await this.updateMany(table, [{ id, changes }]);
  }

  async updateMany(
    table: DataTable,
    edits: Array<{ id: string; changes: Partial<Values> }>,
  ): Promise<void> {
    const allowed = new Set(syncedColumnNames(table));
    for (const { changes } of edits) {
      for (const column of Object.keys(changes)) {
        if (!allowed.has(column) || column === 'user_id' || column === 'created_at') {
          throw new Error(
            `${table}: column ${column} cannot be edited (not an editable synced column).`,
          );
        }
      }
    }
    await this.db.write(async () => {
      const now = this.clock.now();
      const { records, rows } = await findLocalState(
        this.local,
        table,
        edits.map((e) => e.id),
      );
      const prepared: Model[] = [];
      for (const { id, changes } of edits) {
        const record = records.get(id);
        if (!record) throw new Error(`${table}/${id} does not exist on this device.`);
        const raw = rawOf(record);
        const row = rows.get(id) ?? null;
        // Pending without a queue row: changed by the app's own code path, fields unknown. The
        // row must send the whole record, or those changes would never leave. (Read before the
        // update below, which changes the raw record in place.)
        const untracked = !row && raw.sync_status === 'pending';
        const base = (raw.remote_version as string | null) ?? null;
        const patch = { ...changes, updated_at: now } as Record<string, Value>;
        const status = nextStatus(raw.sync_status as never, 'edit', { table, id });
        prepared.push(prepareRawUpdate(record, { ...patch, sync_status: status }));
        prepared.push(
          prepareEnqueue(this.db, row, {
            table,
            recordId: id,
            operation: 'update',
            fields: Object.keys(patch),
            base,
            full: untracked,
            now,
          }),
        );
      }
      await this.db.batch(prepared);
    });
  }

  /** Deletes records; the queue keeps a tombstone to push (defect 5: deletes never synced). */
  async delete(table: DataTable, ids: string[]): Promise<void> {
    await this.db.write(async () => {
      const now = this.clock.now();
      const { records, rows } = await findLocalState(this.local, table, ids);
      const prepared: Model[] = [];
      for (const id of ids) {
        const record = records.get(id);
        if (!record) throw new Error(`${table}/${id} does not exist on this device.`);
        prepared.push(record.prepareDestroyPermanently());
        // Defect zoo: deletes-never-sync, the app's destroyPermanently() leaving nothing to push.
        if (hasDefect(this.defects, 'deletes-never-sync')) {
          const row = rows.get(id);
          if (row) prepared.push(row.prepareDestroyPermanently());
          continue;
        }
        prepared.push(
          prepareEnqueue(this.db, rows.get(id) ?? null, {
            table,
            recordId: id,
            operation: 'delete',
            fields: [],
            base: (rawOf(record).remote_version as string | null) ?? null,
            now,
          }),
        );
      }
      await this.db.batch(prepared);
    });
  }
}
