import type { Model } from '@nozbe/watermelondb';
import type { SyncQueueItem } from '../db/models';
import { prepareRawUpdate } from '../db/raw-update';
import type { DataTable } from '../db/schema-current';
import { statusOf } from './apply-plan';
import type { ErrorClass } from './classify-error';
import { PARKED_AT, parseQueueData, type QueueData } from './queue';
import { retryDelayMs } from './retry-handler';
import { nextStatus } from './status-machine';
import type { CollectionStats, SyncContext } from './sync-context';

/**
 * A record whose push (or file upload) failed: counted and reported; a retryable failure is
 * rescheduled after the RetryHandler's delay, a permanent one — or the 5th failed pass — parks
 * the record in `error` until retried on request (defect 6: never retried forever, never lost).
 */
export function prepareFailure(
  ctx: SyncContext,
  table: DataTable,
  record: Model | null,
  row: SyncQueueItem | null,
  error: ErrorClass,
  now: number,
  stats: CollectionStats,
): Model[] {
  if (error.code === 'network-down') return notAttempted(table, record);
  stats.failed += 1;
  stats.errors.push({
    collection: table,
    documentId: row?.documentId ?? record?.id ?? null,
    error: `${error.code}: ${error.message}`,
    code: error.code,
    kind: error.kind,
  });
  if (!row) return [];
  const attempts = row.attempts + 1;
  const park = error.kind === 'permanent' || attempts >= ctx.retryPolicy.maxAttempts;
  const data = parseQueueData(row.data);
  const operations: Model[] = [
    prepareRawUpdate(row, {
      attempts,
      last_error: `${error.code}: ${error.message}`,
      scheduled_at: park ? PARKED_AT : now + retryDelayMs(attempts, ctx.retryPolicy, ctx.random),
      data: JSON.stringify({ ...data, parked: park } satisfies QueueData),
    }),
  ];
  if (record && statusOf(record) === 'syncing') {
    const event = park ? 'push-permanent-failure' : 'push-retryable-failure';
    operations.push(
      prepareRawUpdate(record, {
        sync_status: nextStatus('syncing', event, { table, id: record.id }),
      }),
    );
  }
  return operations;
}

/**
 * Not tried at all: the pass had judged the network down before this record's call (the pass
 * reports that once per collection). No attempt is counted and the schedule stays; a record
 * already marked `syncing` goes back to `pending`.
 */
function notAttempted(table: DataTable, record: Model | null): Model[] {
  if (!record || statusOf(record) !== 'syncing') return [];
  return [
    prepareRawUpdate(record, {
      sync_status: nextStatus('syncing', 'push-retryable-failure', { table, id: record.id }),
    }),
  ];
}
