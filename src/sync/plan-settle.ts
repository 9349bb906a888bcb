import type { DataTable } from '../db/schema-current';
import type { ErrorClass } from './classify-error';
import { type Defects, hasDefect } from './defects';
import {
  type FailureSettlement,
  planFailure,
  type QueueRowState,
  type RetrySchedule,
} from './failure';
import type { PlannedWrite } from './plan-push';
import type { QueueData } from './queue';
import type { Plan } from './reconcile';
import { nextStatus, type SyncStatus } from './status-machine';
import type { CollectionStats } from './sync-context';
import { EARLIEST_VERSION, type Version } from './version';
import { differingFields, valuesOfRaw } from './wire-format';

/**
 * Settling a pushed chunk, planned (pure): from what was sent, what the server said, and the
 * records and queue rows as they are now (read inside the writer, after the push), what becomes of
 * each record. apply-settle.ts turns the plan into one batch. WatermelonDB's
 * markLocalChangesAsSynced is the model: nothing is marked synced that changed since it was sent.
 */

/** What became of one write. A conflict arrives resolved: reconcile may wait for a person. */
export type SettleOutcome =
  | { status: 'written'; version: Version | null }
  | { status: 'failed'; error: ErrorClass }
  | { status: 'conflict'; resolution: ConflictResolution };

/** What reconcile made of a conflict (the server held another version than the write's base). */
export type ConflictResolution =
  | { kind: 'plan'; plan: Plan }
  /** ask-user had no answer: the change waits for one. */
  | { kind: 'unanswered'; message: string }
  /** The server's document cannot be read: the record fails, as a push that failed would. */
  | { kind: 'malformed'; error: ErrorClass };

export interface SentRecord {
  id: string;
  sent: PlannedWrite;
  outcome: SettleOutcome;
  /** Its tombstone is on the server but deleting its blobs failed: the queue row must stay. */
  blobsLeft: boolean;
  /** The record's columns now (null: not on this device). */
  raw: Record<string, unknown> | null;
  /** Its queue row now (null: none). */
  row: QueueRowState | null;
}

export type Settlement =
  | FailureSettlement
  /**
   * On the server as sent and unchanged here since: the record (if still here; `status` null when
   * not) is synced at `version`, and its queue row goes.
   */
  | { kind: 'synced'; id: string; version: Version; status: SyncStatus | null }
  /**
   * On the server, but the queue row stays with `data`, based on the version written: its
   * tombstone's blobs are not deleted yet, or the record was deleted while the write was in flight.
   */
  | { kind: 'row-rebased'; id: string; data: QueueData }
  /**
   * On the server, but edited while the write was in flight (defect 2, lost update): based on
   * `version` now, still pending, and its queue row sends the fields edited since (`row` null:
   * it has none).
   */
  | {
      kind: 'still-pending';
      id: string;
      version: Version;
      row: { operation: 'update'; data: QueueData } | null;
    }
  /** A conflict resolved: the plan is applied as the pull applies it (apply-plan.ts). */
  | { kind: 'resolved'; id: string; plan: Plan };

/** What the settling adds to the collection's counters. */
export type SettleCounts = Pick<
  CollectionStats,
  'pushed' | 'deleted' | 'synced' | 'failed' | 'conflicts' | 'errors'
>;

export interface SettlePlan {
  /** The time the chunk is settled at (synced_at, new schedules). */
  now: number;
  /** One per record sent, in the same order. */
  records: Settlement[];
  counts: SettleCounts;
  /** A resolved conflict left a change to send: another push round should follow now. */
  again: boolean;
}

export function planSettle(
  table: DataTable,
  sent: readonly SentRecord[],
  now: number,
  retry: RetrySchedule,
  /** Test-only defects (defects.ts); undefined in every real use. */
  defects?: Defects,
): SettlePlan {
  const counts: SettleCounts = {
    pushed: 0,
    deleted: 0,
    synced: 0,
    failed: 0,
    conflicts: [],
    errors: [],
  };
  const failed = (item: SentRecord, error: ErrorClass): Settlement => {
    const { settlement, report } = planFailure(
      table,
      item.id,
      item.raw,
      item.row,
      error,
      now,
      retry,
    );
    if (report) {
      counts.failed += 1;
      counts.errors.push(report);
    }
    return settlement;
  };
  const records = sent.map((item): Settlement => {
    const { outcome } = item;
    if (outcome.status === 'written')
      return planWritten(table, item, writtenBase(item.sent, outcome.version), counts, defects);
    if (outcome.status === 'failed') return failed(item, outcome.error);
    const { resolution } = outcome;
    if (resolution.kind === 'malformed') return failed(item, resolution.error);
    return planResolved(table, item, resolution, counts);
  });
  const again = records.some(
    (s) => s.kind === 'resolved' && s.plan.kind === 'rebase' && s.plan.push !== null,
  );
  return { now, records, counts, again };
}

/**
 * The version a written record is based on from now on. When the remote could not read back the
 * version its write made (another writer had moved the document on), the record stays based on
 * the version the write assumed (the earliest version for a create: it is on the server now),
 * which is older than the server's: the next pull takes the newer document (or meets a conflict
 * if the record was edited meanwhile), and never mistakes it for an echo.
 */
function writtenBase(sent: PlannedWrite, version: Version | null): Version {
  return version ?? sent.write.expected ?? EARLIEST_VERSION;
}

function planWritten(
  table: DataTable,
  { id, sent, blobsLeft, raw, row }: SentRecord,
  version: Version,
  counts: SettleCounts,
  defects?: Defects,
): Settlement {
  counts.pushed += 1;
  if (sent.write.deleted) counts.deleted += 1;
  if (!raw) {
    // Deleted here: a tombstone whose blobs are still on Storage keeps its row (the next pass
    // deletes them again), and a local delete made while this write was in flight still has to
    // go up; both now build on the version just written.
    if (row && (blobsLeft || (row.operation === 'delete' && !sent.write.deleted)))
      return { kind: 'row-rebased', id, data: { ...row.data, base: version } };
    counts.synced += 1;
    return { kind: 'synced', id, version, status: null };
  }
  let editedMeanwhile = sent.snapshot
    ? differingFields(table, sent.snapshot, valuesOfRaw(table, raw))
    : [];
  // Defect zoo: settle-drops-field, the first field edited meanwhile is forgotten.
  if (hasDefect(defects, 'settle-drops-field')) editedMeanwhile = editedMeanwhile.slice(1);
  // Defect zoo: lost-update, the app marks what it fetched as synced, edited meanwhile or not.
  const lostUpdate = hasDefect(defects, 'lost-update');
  if ((editedMeanwhile.length === 0 && raw.sync_status === 'syncing') || lostUpdate) {
    counts.synced += 1;
    return { kind: 'synced', id, version, status: nextStatus('syncing', 'push-ok', { table, id }) };
  }
  // Defect 2 (lost update): the server has the snapshot; the rest goes up next, based on the
  // version just written.
  const data: QueueData = { fields: editedMeanwhile, base: version, full: false, parked: false };
  return { kind: 'still-pending', id, version, row: row ? { operation: 'update', data } : null };
}

function planResolved(
  table: DataTable,
  { id, raw }: SentRecord,
  resolution: Exclude<ConflictResolution, { kind: 'malformed' }>,
  counts: SettleCounts,
): Settlement {
  if (resolution.kind === 'plan') {
    const { plan } = resolution;
    if (plan.kind === 'rebase' && plan.conflict) counts.conflicts.push(plan.conflict);
    if (plan.kind === 'take' || plan.kind === 'destroy') counts.synced += 1;
    return { kind: 'resolved', id, plan };
  }
  // Unanswered: the change stays pending (no attempt counted) until someone answers.
  counts.failed += 1;
  counts.errors.push({
    collection: table,
    documentId: id,
    error: resolution.message,
    code: 'unanswered-conflict',
    kind: 'conflict',
  });
  const status =
    raw?.sync_status === 'syncing'
      ? nextStatus('syncing', 'push-retryable-failure', { table, id })
      : null;
  return { kind: 'left-pending', id, reason: 'unanswered', status };
}

/** Adds a plan's counts to the collection's. */
export function addSettleCounts(stats: CollectionStats, counts: SettleCounts): void {
  stats.pushed += counts.pushed;
  stats.deleted += counts.deleted;
  stats.synced += counts.synced;
  stats.failed += counts.failed;
  stats.conflicts.push(...counts.conflicts);
  stats.errors.push(...counts.errors);
}
