import { type Database, type Model, Q } from '@nozbe/watermelondb';
import type { SyncQueueItem } from '../db/models';
import { prepareRawUpdate } from '../db/raw-update';
import type { LocalDb } from '../db/record-access';
import type { DataTable } from '../db/schema-current';
import type { Version } from './version';

/**
 * The durable outbox. One sync_queue row per record with unsent changes, id `{table}:{record id}`
 * (so it is found by primary key), holding what the push needs to know that the record alone
 * cannot tell — which fields changed since the server version it is based on, and, after a local
 * delete, that the record existed:
 *
 *   operation  create | update | delete
 *   data       JSON {fields: [...changed columns], base: version|null, full: bool, parked: bool}
 *   attempts, last_error, scheduled_at   retry bookkeeping (a parked row waits for "retry")
 *
 * Successive edits coalesce into the one row (create+update = create; any+delete = delete).
 */
export type QueueOperation = 'create' | 'update' | 'delete';

export interface QueueData {
  fields: string[];
  base: Version | null;
  /** Push every field (after a conflict resolution recreated a record over a tombstone). */
  full: boolean;
  /** Failed permanently or too often: waits in `error` until retried on request. */
  parked: boolean;
}

/** scheduled_at of a parked row: never due, so the due-rows query skips it. */
export const PARKED_AT = 8_640_000_000_000_000;

/**
 * The rows due at `now`: scheduled at or before it, or further ahead than any retry delay could
 * have put them (`maxDelayMs`, the retry policy's cap), which only happens when the user set the
 * device's clock back since they were queued; parked rows never. Without the second half, an edit
 * made before the clock went back two hours would wait two hours to be pushed.
 */
export function dueRows(now: number, maxDelayMs: number): Q.Clause {
  return Q.or(
    Q.where('scheduled_at', Q.lte(now)),
    Q.and(
      Q.where('scheduled_at', Q.gt(now + maxDelayMs)),
      Q.where('scheduled_at', Q.lt(PARKED_AT)),
    ),
  );
}

/** dueRows as SQL over sync_queue for one collection, for raw queries (SQLite). */
export function dueRowsSql(
  table: DataTable,
  now: number,
  maxDelayMs: number,
): { sql: string; args: Array<string | number> } {
  return {
    sql: `"collection" = ? and "_status" is not 'deleted' and ("scheduled_at" <= ? or ("scheduled_at" > ? and "scheduled_at" < ?))`,
    args: [table, now, now + maxDelayMs, PARKED_AT],
  };
}

export function queueRowId(table: DataTable, recordId: string): string {
  return `${table}:${recordId}`;
}

export function parseQueueData(json: string): QueueData {
  let parsed: Partial<QueueData> = {};
  try {
    parsed = JSON.parse(json || '{}') as Partial<QueueData>;
  } catch {
    // A row written by the app's own addToQueue may hold record data: treat as "all fields".
  }
  return {
    fields: Array.isArray(parsed.fields) ? parsed.fields.filter((f) => typeof f === 'string') : [],
    base: typeof parsed.base === 'string' ? parsed.base : null,
    full: parsed.full === true || !Array.isArray(parsed.fields),
    parked: parsed.parked === true,
  };
}

export interface Enqueue {
  table: DataTable;
  recordId: string;
  operation: QueueOperation;
  fields: string[];
  base: Version | null;
  full?: boolean;
  now: number;
}

/** Coalesces a new change into the record's queue row (pure). */
export function coalesce(
  existing: { operation: QueueOperation; data: QueueData } | null,
  change: Enqueue,
): { operation: QueueOperation; data: QueueData } {
  if (!existing) {
    return {
      operation: change.operation,
      data: {
        fields: unique(change.fields),
        base: change.base,
        full: change.full ?? false,
        parked: false,
      },
    };
  }
  if (existing.operation === 'delete' && change.operation === 'create') {
    // Deleted and created again with the same id before the delete went up: the new record
    // replaces the old one on the server, whole, based on the version the delete was based on
    // (none: the old one never reached the server, so this is a plain create).
    return {
      operation: existing.data.base === null ? 'create' : 'update',
      data: { fields: unique(change.fields), base: existing.data.base, full: true, parked: false },
    };
  }
  if (change.operation === 'delete') {
    return {
      operation: 'delete',
      data: { fields: [], base: change.base, full: false, parked: false },
    };
  }
  const operation = existing.operation === 'create' ? 'create' : change.operation;
  return {
    operation,
    data: {
      fields: unique([...existing.data.fields, ...change.fields]),
      base: existing.data.base,
      full: existing.data.full || (change.full ?? false),
      parked: false, // an edit gives a parked record a fresh chance
    },
  };
}

/** Prepares (does not run) the queue-row write for a change; the caller batches it. */
export function prepareEnqueue(
  db: Database,
  existing: SyncQueueItem | null,
  change: Enqueue,
): Model {
  const next = coalesce(
    existing ? { operation: existing.operation, data: parseQueueData(existing.data) } : null,
    change,
  );
  const row = {
    operation: next.operation,
    data: JSON.stringify(next.data),
    attempts: 0,
    last_error: null,
    scheduled_at: change.now,
  };
  if (existing) {
    return prepareRawUpdate(existing, row);
  }
  return db.get<SyncQueueItem>('sync_queue').prepareCreateFromDirtyRaw({
    id: queueRowId(change.table, change.recordId),
    collection: change.table,
    document_id: change.recordId,
    created_at: change.now,
    ...row,
  });
}

/**
 * The current local state of some records: the records and their queue rows, both keyed by
 * record id (a missing key: no such record, or nothing queued for it).
 */
export async function findLocalState(
  local: LocalDb,
  table: DataTable,
  ids: readonly string[],
): Promise<{ records: Map<string, Model>; rows: Map<string, SyncQueueItem> }> {
  const records = await local.records.findByIds<Model>(local.db, table, ids);
  const byRowId = await findQueueRows(
    local,
    ids.map((id) => queueRowId(table, id)),
  );
  const rows = new Map<string, SyncQueueItem>();
  for (const row of byRowId.values()) rows.set(row.documentId, row);
  return { records, rows };
}

export function findQueueRows(local: LocalDb, ids: string[]): Promise<Map<string, SyncQueueItem>> {
  return local.records.findByIds<SyncQueueItem>(local.db, 'sync_queue', ids);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The queue state of a record the app marked `pending` itself (its own code path, or seeded
 * data) without a queue row: changed, fields unknown, so the whole record, based on the version
 * it has. Null for any other record. The pull must see such a record as changed (a server
 * version would otherwise replace the app's edit), and the push adopts it with this row.
 */
export function untrackedChange(
  raw: Record<string, unknown> | null,
): { operation: QueueOperation; data: QueueData } | null {
  if (raw?.sync_status !== 'pending' || raw._status === 'deleted') return null;
  const base = (raw.remote_version as Version | null | undefined) ?? null;
  return {
    operation: base === null ? 'create' : 'update',
    data: { fields: [], base, full: true, parked: false },
  };
}

/** Records of `table` marked `pending` without a queue row (see untrackedChange). */
export async function findUntrackedPending(local: LocalDb, table: DataTable): Promise<Model[]> {
  const { db } = local;
  if (local.records.sqlQueries) {
    // One indexed anti-join instead of loading every pending record (normally all are tracked).
    return db
      .get(table)
      .query(
        Q.unsafeSqlQuery(
          `select * from "${table}" where "sync_status" = 'pending' and "_status" is not 'deleted' and not exists (select 1 from "sync_queue" where "sync_queue"."id" = ? || "${table}"."id")`,
          [queueRowId(table, '')],
        ),
      )
      .fetch();
  }
  const pending = await db.get(table).query(Q.where('sync_status', 'pending')).fetch();
  if (pending.length === 0) return [];
  const rows = await findQueueRows(
    local,
    pending.map((r) => queueRowId(table, r.id)),
  );
  return pending.filter((r) => !rows.has(queueRowId(table, r.id)));
}
