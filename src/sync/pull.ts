import { insertRows } from '../db/insert-rows';
import { isSqlite } from '../db/narrow-update';
import type { DataTable } from '../db/schema-v2';
import { type PlanTarget, preparePlans } from './apply-plan';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { classifyError } from './classify-error';
import { AskUserUnavailableError } from './conflict-resolver';
import { findLocalState, parseQueueData } from './queue';
import { reconcile } from './reconcile';
import type { PulledDoc } from './remote-store';
import type { CollectionStats, SyncContext } from './sync-context';
import { assertWellFormed, MalformedDocumentError } from './wire-format';

/**
 * Pull phase of one collection: this user's documents changed since the checkpoint, page by
 * page in (server time, id) order; each page is applied in one local transaction and only then
 * does the checkpoint move past it. Memory holds one page at a time.
 */
export async function pullCollection(
  ctx: SyncContext,
  table: DataTable,
  stats: CollectionStats,
): Promise<void> {
  let cursor = await loadCheckpoint(ctx.db, table);
  for (;;) {
    const after = cursor;
    const page = await ctx.retry.executeWithRetry(
      () => ctx.remote.pullPage(table, ctx.userId, after, ctx.pageSize),
      `pull ${table}`,
    );
    if (page.length === 0) return;
    await applyPage(ctx, table, page, stats);
    // The cursor is the last document with a real server time. The Firestore remote returns no
    // other (its query asks for timestamps); should another remote, a page full of them ends
    // this pull rather than loop.
    const last = [...page].reverse().find((doc) => doc.serverTime !== null);
    if (last?.serverTime) {
      cursor = { time: last.serverTime, id: last.id };
      await saveCheckpoint(ctx.db, table, cursor);
    }
    if (page.length < ctx.pageSize || !last) return;
  }
}

async function applyPage(
  ctx: SyncContext,
  table: DataTable,
  page: PulledDoc[],
  stats: CollectionStats,
) {
  const ids = page.map((doc) => doc.id);
  const { records, rows } = await findLocalState(ctx.db, table, ids);
  const targets: PlanTarget[] = [];
  for (const doc of page) {
    if (doc.data.user_id !== ctx.userId) {
      stats.foreign += 1; // the query asks for this user only; anything else is never applied
      continue;
    }
    const record = records.get(doc.id) ?? null;
    // Checked before anything else: a document is applied whole or not at all.
    try {
      assertWellFormed(table, doc);
    } catch (error) {
      quarantine(stats, table, doc.id, error as Error);
      continue;
    }
    const queueRow = rows.get(doc.id) ?? null;
    const local = {
      raw: record ? (record._raw as unknown as Record<string, unknown>) : null,
      queue: queueRow
        ? { operation: queueRow.operation, data: parseQueueData(queueRow.data) }
        : null,
    };
    try {
      const plan = await reconcile(
        {
          table,
          deviceId: ctx.deviceId,
          strategy: ctx.strategyFor(table),
          decide: ctx.decide,
          phase: 'pull',
        },
        doc.id,
        local,
        doc,
      );
      if (plan.kind === 'none' && plan.reason === 'echo') stats.echoes += 1;
      if (plan.kind === 'rebase' && plan.conflict) stats.conflicts.push(plan.conflict);
      targets.push({ id: doc.id, record, queueRow, plan });
    } catch (error) {
      if (error instanceof AskUserUnavailableError) {
        // Left as it is: the push meets the same conflict (its precondition fails) and asks again.
        stats.failed += 1;
        stats.errors.push({
          collection: table,
          documentId: doc.id,
          error: error.message,
          code: 'unanswered-conflict',
          kind: 'conflict',
        });
        continue;
      }
      if (!(error instanceof MalformedDocumentError)) throw error;
      quarantine(stats, table, doc.id, error);
    }
  }
  const now = ctx.clock.now();
  // On SQLite, records new to this device are inserted as plain rows (no WatermelonDB record
  // kept in memory): a first sync's memory stays one page, not the whole history.
  const fresh = isSqlite(ctx.db)
    ? targets.filter((t) => t.plan.kind === 'take' && !t.record && !t.queueRow)
    : [];
  const freshIds = new Set(fresh.map((t) => t.id));
  const { operations, counts } = preparePlans(
    ctx.db,
    table,
    targets.filter((t) => !freshIds.has(t.id)),
    now,
  );
  const inserts = fresh.map((t) => {
    const plan = t.plan as Extract<PlanTarget['plan'], { kind: 'take' }>;
    return {
      ...plan.values,
      id: t.id,
      sync_status: 'synced',
      synced_at: now,
      remote_version: plan.version,
    };
  });
  counts.taken += inserts.length;
  if (operations.length > 0 || inserts.length > 0)
    await ctx.db.write(async () => {
      // Inserts first: if the process dies between the two, the page is pulled again and the
      // inserted rows are found (the checkpoint moves only after both).
      await insertRows(ctx.db, table, inserts);
      if (operations.length > 0) await ctx.db.batch(operations);
    });
  stats.pulled += counts.taken + counts.destroyed + counts.rebased;
  stats.deleted += counts.destroyed;
  stats.synced += counts.taken + counts.destroyed;
}

/** A document that cannot be applied: counted and reported by id (never by value), left as is. */
function quarantine(stats: CollectionStats, table: DataTable, id: string, error: Error): void {
  if (!(error instanceof MalformedDocumentError)) throw error;
  stats.quarantined += 1;
  stats.errors.push({
    collection: table,
    documentId: id,
    error: error.message,
    code: classifyError(error).code,
    kind: 'quarantined',
  });
}
