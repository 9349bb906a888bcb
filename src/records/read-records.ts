import { type Database, Q } from '@nozbe/watermelondb';
import { rawOf } from '../db/raw-update';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { PARKED_AT } from '../sync/queue';
import { type Values, valuesOfRaw } from '../sync/wire-format';

/** What `records list` and `records show` read from a device's database (read only). */
export interface RecordLine {
  collection: DataTable;
  id: string;
  status: string;
  updatedAt: number;
  /** A short view: the first text field, or a health value with its unit. */
  summary: string;
}

export interface RecordDetail {
  collection: DataTable;
  id: string;
  status: string;
  syncedAt: number | null;
  remoteVersion: string | null;
  values: Values;
  /** The record's row in the sync queue, if a change of it waits to be pushed. */
  queued: {
    operation: string;
    attempts: number;
    lastError: string | null;
    parked: boolean;
    scheduledAt: number | null;
  } | null;
}

export async function listRecords(
  db: Database,
  options: { collection?: DataTable; status?: string; limit: number },
): Promise<{ records: RecordLine[]; total: number }> {
  const tables = options.collection ? [options.collection] : [...DATA_TABLES];
  const lines: RecordLine[] = [];
  let total = 0;
  for (const table of tables) {
    const where = options.status ? [Q.where('sync_status', options.status)] : [];
    total += await db
      .get(table)
      .query(...where)
      .fetchCount();
    const records = await db
      .get(table)
      .query(...where, Q.sortBy('updated_at', Q.desc), Q.take(options.limit))
      .fetch();
    for (const record of records) {
      const raw = rawOf(record);
      lines.push({
        collection: table,
        id: record.id,
        status: String(raw.sync_status),
        updatedAt: Number(raw.updated_at),
        summary: summarize(table, valuesOfRaw(table, raw)),
      });
    }
  }
  lines.sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
  return { records: lines.slice(0, options.limit), total };
}

export async function showRecord(
  db: Database,
  table: DataTable,
  id: string,
): Promise<RecordDetail | null> {
  const [record] = await db.get(table).query(Q.where('id', id)).fetch();
  const [row] = await db
    .get('sync_queue')
    .query(Q.where('collection', table), Q.where('document_id', id))
    .fetch();
  if (!record && !row) return null;
  const raw = record ? rawOf(record) : null;
  const q = row ? rawOf(row) : null;
  return {
    collection: table,
    id,
    status: raw ? String(raw.sync_status) : 'deleted',
    syncedAt: raw ? ((raw.synced_at as number | null) ?? null) : null,
    remoteVersion: raw ? ((raw.remote_version as string | null) ?? null) : null,
    values: raw ? valuesOfRaw(table, raw) : {},
    queued: q
      ? {
          operation: String(q.operation),
          attempts: Number(q.attempts),
          lastError: (q.last_error as string | null) ?? null,
          parked: Number(q.scheduled_at) === PARKED_AT,
          scheduledAt: Number(q.scheduled_at) === PARKED_AT ? null : Number(q.scheduled_at),
        }
      : null,
  };
}

function summarize(table: DataTable, values: Values): string {
  if (table === 'health_data') return `${values.data_type} ${values.value} ${values.unit}`;
  if (table === 'location_data')
    return `${values.place_name ?? ''} ${values.latitude},${values.longitude}`.trim();
  const text = [values.title, values.content, values.transcription, values.caption].find(
    (v) => typeof v === 'string' && v !== '',
  );
  return typeof text === 'string' ? text : '';
}
