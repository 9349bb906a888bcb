import type { Database, Model } from '@nozbe/watermelondb';
import type { SyncQueueItem } from '../db/models';
import { prepareRawUpdate } from '../db/raw-update';
import type { LocalDb } from '../db/record-access';
import type { DataTable } from '../db/schema-current';
import { preparePlans } from './apply-plan';
import type { Defects } from './defects';
import { prepareFailed } from './failure';
import type { Settlement, SettlePlan } from './plan-settle';
import type { QueueData } from './queue';

/**
 * Applies a settle plan inside the writer that read `records` and `rows` (the state it was planned
 * from). Records synced as sent are written first with narrow updates of their bookkeeping
 * columns; everything else is one db.batch. That order is what makes a settling cut short
 * recoverable: a crash before the batch leaves queue rows based on an older version than their
 * record's, which the next push recognises as stale (see reconcile).
 */
export async function applySettlePlan(
  local: LocalDb & { defects?: Defects },
  table: DataTable,
  plan: SettlePlan,
  records: Map<string, Model>,
  rows: Map<string, SyncQueueItem>,
): Promise<void> {
  const narrow = plan.records.flatMap((s) => {
    const record = records.get(s.id);
    if (s.kind !== 'synced' || !s.status || !record) return [];
    const patch = { sync_status: s.status, synced_at: plan.now, remote_version: s.version };
    return [{ record, patch }];
  });
  const { db } = local;
  await local.records.narrowUpdate(db, table, narrow);
  // The queue rows of records synced as sent go next, by plain DELETEs where the record access
  // offers them (after the records' own update, for the reason above); otherwise in the batch.
  const deleteRows = local.records.deleteRows;
  const synced = deleteRows
    ? plan.records.flatMap((s) => {
        const row = s.kind === 'synced' ? rows.get(s.id) : undefined;
        return row ? [row.id] : [];
      })
    : [];
  if (deleteRows && synced.length > 0) await deleteRows(db, 'sync_queue', synced);
  // Prepared only now, right before the batch: a prepared record must reach batch() without
  // waiting (WatermelonDB throws otherwise).
  const operations = plan.records.flatMap((s) =>
    s.kind === 'synced' && deleteRows
      ? []
      : prepareSettlement(
          db,
          table,
          s,
          records.get(s.id) ?? null,
          rows.get(s.id) ?? null,
          plan.now,
          local.defects,
        ),
  );
  if (operations.length > 0) await db.batch(operations);
}

function prepareSettlement(
  db: Database,
  table: DataTable,
  settlement: Settlement,
  record: Model | null,
  row: SyncQueueItem | null,
  now: number,
  defects?: Defects,
): Model[] {
  switch (settlement.kind) {
    case 'synced':
      return row ? [row.prepareDestroyPermanently()] : [];
    case 'row-rebased':
      return row
        ? [prepareRawUpdate(row, { data: JSON.stringify(settlement.data satisfies QueueData) })]
        : [];
    case 'still-pending': {
      const operations: Model[] = [];
      if (record) operations.push(prepareRawUpdate(record, { remote_version: settlement.version }));
      if (row && settlement.row) {
        const { operation, data } = settlement.row;
        operations.push(prepareRawUpdate(row, { operation, data: JSON.stringify(data) }));
      }
      return operations;
    }
    case 'resolved':
      return preparePlans(
        db,
        table,
        [{ id: settlement.id, record, queueRow: row, plan: settlement.plan }],
        now,
        defects,
      ).operations;
    case 'left-pending':
    case 'failed':
      return prepareFailed(settlement, record, row);
  }
}
