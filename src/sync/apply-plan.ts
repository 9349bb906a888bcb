import type { Database, Model } from '@nozbe/watermelondb';
import type { SyncQueueItem } from '../db/models';
import { prepareRawUpdate, rawOf } from '../db/raw-update';
import type { DataTable } from '../db/schema-current';
import { type Defects, hasDefect } from './defects';
import { parseQueueData, type QueueData, queueRowId } from './queue';
import type { Plan } from './reconcile';
import { nextStatus, type RecordState, type SyncStatus } from './status-machine';

/**
 * Turns reconcile plans into prepared WatermelonDB operations (nothing runs until the caller
 * passes them to one db.batch, so a page or a chunk applies entirely or not at all).
 */
export interface PlanTarget {
  id: string;
  record: Model | null;
  queueRow: SyncQueueItem | null;
  plan: Plan;
}

export interface AppliedCounts {
  taken: number;
  destroyed: number;
  rebased: number;
}

export function preparePlans(
  db: Database,
  table: DataTable,
  targets: PlanTarget[],
  now: number,
  /** Test-only defects (defects.ts); undefined in every real use. */
  defects?: Defects,
): { operations: Model[]; counts: AppliedCounts } {
  const operations: Model[] = [];
  const counts: AppliedCounts = { taken: 0, destroyed: 0, rebased: 0 };
  const collection = db.get(table);
  for (const { id, record, queueRow, plan } of targets) {
    switch (plan.kind) {
      case 'none':
        break;
      case 'take': {
        const patch = {
          ...plan.values,
          sync_status: nextStatus(stateOf(record), 'pulled', { table, id }),
          synced_at: now,
          remote_version: plan.version,
        };
        if (record) operations.push(prepareRawUpdate(record, patch));
        else operations.push(collection.prepareCreateFromDirtyRaw({ id, ...patch }));
        counts.taken += 1;
        break;
      }
      case 'destroy':
        if (record) operations.push(record.prepareDestroyPermanently());
        if (queueRow) operations.push(queueRow.prepareDestroyPermanently());
        counts.destroyed += 1;
        break;
      case 'rebase':
        operations.push(...prepareRebase(db, table, id, record, queueRow, plan, now, defects));
        counts.rebased += 1;
        break;
    }
  }
  return { operations, counts };
}

function prepareRebase(
  db: Database,
  table: DataTable,
  id: string,
  record: Model | null,
  queueRow: SyncQueueItem | null,
  plan: Extract<Plan, { kind: 'rebase' }>,
  now: number,
  defects?: Defects,
): Model[] {
  const operations: Model[] = [];
  if (plan.values === null) {
    if (record) operations.push(record.prepareDestroyPermanently());
  } else {
    const patch = {
      ...plan.values,
      remote_version: plan.version,
      sync_status: nextStatus(stateOf(record), plan.push ? 'rebased' : 'resolved', { table, id }),
      ...(plan.push ? {} : { synced_at: now }),
    };
    if (record) operations.push(prepareRawUpdate(record, patch));
    else
      operations.push(
        db
          .get(table)
          .prepareCreateFromDirtyRaw({ id, ...patch, synced_at: plan.push ? null : now }),
      );
  }
  if (!plan.push) {
    if (queueRow) operations.push(queueRow.prepareDestroyPermanently());
    return operations;
  }
  const data: QueueData = {
    fields: plan.push.fields,
    // Defect zoo: stale-queue-base, the queued base is not refreshed with the record's.
    base:
      hasDefect(defects, 'stale-queue-base') && queueRow
        ? parseQueueData(queueRow.data).base
        : plan.version,
    full: plan.push.full,
    parked: false,
  };
  const row = {
    operation: plan.push.operation,
    data: JSON.stringify(data),
    attempts: 0,
    last_error: null,
    scheduled_at: now,
  };
  operations.push(
    queueRow
      ? prepareRawUpdate(queueRow, row)
      : db.get<SyncQueueItem>('sync_queue').prepareCreateFromDirtyRaw({
          id: queueRowId(table, id),
          collection: table,
          document_id: id,
          created_at: now,
          ...row,
        }),
  );
  return operations;
}

export function statusOf(record: Model): SyncStatus {
  return rawOf(record).sync_status as SyncStatus;
}

/** The record's status, or `absent` when there is no record (the plan creates it). */
export function stateOf(record: Model | null): RecordState {
  return record ? statusOf(record) : 'absent';
}
