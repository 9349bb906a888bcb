import type { Model } from '@nozbe/watermelondb';
import type { Random } from '../core/random';
import type { SyncQueueItem } from '../db/models';
import { prepareRawUpdate, rawOf } from '../db/raw-update';
import type { DataTable } from '../db/schema-current';
import type { ErrorClass } from './classify-error';
import { PARKED_AT, parseQueueData, type QueueData, type QueueOperation } from './queue';
import { type RetryPolicy, retryDelayMs } from './retry-handler';
import { nextStatus, type SyncStatus } from './status-machine';
import type { CollectionStats, SyncContext, SyncError } from './sync-context';

/** A queue row as the settling of a push reads it (a plain value, no WatermelonDB record). */
export interface QueueRowState {
  operation: QueueOperation;
  data: QueueData;
  attempts: number;
}

export function queueRowState(row: SyncQueueItem): QueueRowState {
  return { operation: row.operation, data: parseQueueData(row.data), attempts: row.attempts };
}

/** What retries are scheduled with: the policy and the pass's random source (for jitter). */
export interface RetrySchedule {
  policy: RetryPolicy;
  random: Random;
}

/** What becomes of a record whose push (or file upload) failed. */
export type FailureSettlement =
  /**
   * Not settled this time, no attempt counted, the schedule kept: not tried at all because the
   * pass had judged the network down before this record's call (the pass reports that once per
   * collection), or a conflict ask-user has no answer for yet. A record already marked `syncing`
   * goes back to `pending` (`status`; null: left as it is).
   */
  | {
      kind: 'left-pending';
      id: string;
      reason: 'network-down' | 'unanswered';
      status: SyncStatus | null;
    }
  /**
   * Tried and failed: the queue row (if any) counts the attempt and is rescheduled, or parked
   * (`scheduledAt` PARKED_AT, `data.parked`); `status` is the record's new status (null: left).
   */
  | {
      kind: 'failed';
      id: string;
      parked: boolean;
      status: SyncStatus | null;
      row: { attempts: number; lastError: string; scheduledAt: number; data: QueueData } | null;
    };

/**
 * A record whose push (or file upload) failed (pure but for the jitter drawn from `retry.random`):
 * reported; a retryable failure is rescheduled after the RetryHandler's delay, a permanent one —
 * or the 5th failed pass — parks the record in `error` until retried on request (defect 6: never
 * retried forever, never lost).
 */
export function planFailure(
  table: DataTable,
  id: string,
  raw: Record<string, unknown> | null,
  row: QueueRowState | null,
  error: ErrorClass,
  now: number,
  retry: RetrySchedule,
): { settlement: FailureSettlement; report: SyncError | null } {
  const syncing = raw?.sync_status === 'syncing';
  if (error.code === 'network-down') {
    const status = syncing ? nextStatus('syncing', 'push-retryable-failure', { table, id }) : null;
    return {
      settlement: { kind: 'left-pending', id, reason: 'network-down', status },
      report: null,
    };
  }
  const report: SyncError = {
    collection: table,
    documentId: id,
    error: `${error.code}: ${error.message}`,
    code: error.code,
    kind: error.kind,
  };
  if (!row)
    return { settlement: { kind: 'failed', id, parked: false, status: null, row: null }, report };
  const attempts = row.attempts + 1;
  const parked = error.kind === 'permanent' || attempts >= retry.policy.maxAttempts;
  const event = parked ? 'push-permanent-failure' : 'push-retryable-failure';
  return {
    settlement: {
      kind: 'failed',
      id,
      parked,
      status: syncing ? nextStatus('syncing', event, { table, id }) : null,
      row: {
        attempts,
        lastError: `${error.code}: ${error.message}`,
        scheduledAt: parked ? PARKED_AT : now + retryDelayMs(attempts, retry.policy, retry.random),
        data: { ...row.data, parked },
      },
    },
    report,
  };
}

/** The WatermelonDB operations of a failure's settlement (prepared, not run). */
export function prepareFailed(
  settlement: FailureSettlement,
  record: Model | null,
  row: SyncQueueItem | null,
): Model[] {
  const operations: Model[] = [];
  if (settlement.kind === 'failed' && settlement.row && row) {
    const { attempts, lastError, scheduledAt, data } = settlement.row;
    operations.push(
      prepareRawUpdate(row, {
        attempts,
        last_error: lastError,
        scheduled_at: scheduledAt,
        data: JSON.stringify(data satisfies QueueData),
      }),
    );
  }
  if (settlement.status && record)
    operations.push(prepareRawUpdate(record, { sync_status: settlement.status }));
  return operations;
}

/** planFailure and prepareFailed for one record, its report added to `stats` (the upload step). */
export function prepareFailure(
  ctx: SyncContext,
  table: DataTable,
  record: Model | null,
  row: SyncQueueItem | null,
  error: ErrorClass,
  now: number,
  stats: CollectionStats,
): Model[] {
  const id = row?.documentId ?? record?.id ?? null;
  const { settlement, report } = planFailure(
    table,
    id ?? '',
    record ? rawOf(record) : null,
    row ? queueRowState(row) : null,
    error,
    now,
    { policy: ctx.retryPolicy, random: ctx.random },
  );
  if (report) {
    stats.failed += 1;
    stats.errors.push({ ...report, documentId: id });
  }
  return prepareFailed(settlement, record, row);
}
