import type { Model } from '@nozbe/watermelondb';
import type { SyncQueueItem } from '../db/models';
import { rawOf } from '../db/raw-update';
import type { DataTable } from '../db/schema-current';
import { applySettlePlan } from './apply-settle';
import { classifyError, type ErrorClass } from './classify-error';
import { AskUserUnavailableError } from './conflict-resolver';
import { queueRowState } from './failure';
import type { PlannedWrite } from './plan-push';
import {
  addSettleCounts,
  type ConflictResolution,
  planSettle,
  type SentRecord,
} from './plan-settle';
import { findLocalState } from './queue';
import { reconcile } from './reconcile';
import type { WriteOutcome } from './remote-store';
import type { CollectionStats, SyncContext } from './sync-context';
import { MalformedDocumentError, type RemoteDoc } from './wire-format';

/** What the server said of one write, or why it was not made. */
export type PushOutcome = WriteOutcome | { id: string; status: 'failed'; error: ErrorClass };

/** One write of a pushed chunk and what became of it. */
export interface SentWrite {
  planned: PlannedWrite;
  outcome: PushOutcome;
  blobsLeft: boolean;
}

/**
 * Settles a pushed chunk in one local transaction, against the records and queue rows as they
 * are now: conflicts are resolved first (ask-user may wait for a person), then the settling is
 * planned (plan-settle.ts) and applied in one batch (apply-settle.ts). Returns true when resolved
 * conflicts left changes to send in another round now.
 */
export async function settleChunk(
  ctx: SyncContext,
  table: DataTable,
  chunk: readonly SentWrite[],
  stats: CollectionStats,
): Promise<boolean> {
  let again = false;
  await ctx.db.write(async () => {
    const now = ctx.clock.now();
    const ids = chunk.map((c) => c.planned.write.id);
    const { records, rows } = await findLocalState(ctx, table, ids);
    const sent: SentRecord[] = [];
    for (const { planned, outcome, blobsLeft } of chunk) {
      const { id } = planned.write;
      const record = records.get(id) ?? null;
      const row = rows.get(id) ?? null;
      sent.push({
        id,
        sent: planned,
        outcome:
          outcome.status === 'conflict'
            ? {
                status: 'conflict',
                resolution: await resolvePushConflict(ctx, table, id, record, row, outcome.current),
              }
            : outcome,
        blobsLeft,
        raw: record ? rawOf(record) : null,
        row: row ? queueRowState(row) : null,
      });
    }
    const plan = planSettle(
      table,
      sent,
      now,
      { policy: ctx.retryPolicy, random: ctx.random },
      ctx.defects,
    );
    addSettleCounts(stats, plan.counts);
    await applySettlePlan(ctx, table, plan, records, rows);
    again = plan.again;
  });
  return again;
}

/** Reconciles a refused write with the server's current document (null: it has none). */
async function resolvePushConflict(
  ctx: SyncContext,
  table: DataTable,
  id: string,
  record: Model | null,
  row: SyncQueueItem | null,
  current: RemoteDoc | null,
): Promise<ConflictResolution> {
  const local = {
    raw: record ? rawOf(record) : null,
    queue: row ? queueRowState(row) : null,
  };
  const reconcileCtx = {
    table,
    deviceId: ctx.deviceId,
    strategy: ctx.strategyFor(table),
    decide: ctx.decide,
    phase: 'push' as const,
    defects: ctx.defects,
  };
  try {
    return { kind: 'plan', plan: await reconcile(reconcileCtx, id, local, current) };
  } catch (error) {
    if (error instanceof AskUserUnavailableError)
      return { kind: 'unanswered', message: error.message };
    if (error instanceof MalformedDocumentError)
      return { kind: 'malformed', error: classifyError(error) };
    throw error;
  }
}
