import { type Model, Q } from '@nozbe/watermelondb';
import { forEachLimited } from '../core/limit';
import type { SyncQueueItem } from '../db/models';
import { rawOf } from '../db/raw-update';
import type { DataTable } from '../db/schema-current';
import { photoPath, thumbnailPath, voicePath } from '../files/media-paths';
import { statusOf } from './apply-plan';
import { writeProblem } from './check-write';
import { raiseSeen } from './checkpoint';
import { classifyError } from './classify-error';
import { hasDefect } from './defects';
import { NetworkDownError, reportNetworkDown } from './network-judge';
import { type LocalChange, type PlannedWrite, planWrite } from './plan-push';
import {
  dueRows,
  dueRowsSql,
  findUntrackedPending,
  parseQueueData,
  prepareEnqueue,
  type QueueOperation,
} from './queue';
import { type PushOutcome, settleChunk } from './settle';
import { nextStatus, type SyncStatus } from './status-machine';
import type { CollectionStats, SyncContext } from './sync-context';
import { isMediaTable, uploadDueMedia } from './upload-media';
import { isNewer, type Version } from './version';

/** A conflict resolved during the push may leave a change to send right away; bounded rounds. */
const MAX_PUSH_ROUNDS = 4;

/**
 * Push phase of one collection: due queue rows go up in chunks (one atomic batch each, several
 * in flight), each write conditioned on the server version its change is based on. A chunk is
 * marked `syncing` before it leaves and settled in one local transaction after (settle.ts):
 * synced only if the record still equals what was sent (defect 2: lost update), rebased on
 * conflicts, rescheduled or parked on failures.
 */
export async function pushCollection(
  ctx: SyncContext,
  table: DataTable,
  stats: CollectionStats,
): Promise<void> {
  await adoptUntrackedPending(ctx, table);
  const newest = { version: null as Version | null };
  await pushRounds(ctx, table, stats, newest);
  if (newest.version) await raiseSeen(ctx.db, table, newest.version);
}

async function pushRounds(
  ctx: SyncContext,
  table: DataTable,
  stats: CollectionStats,
  newest: { version: Version | null },
): Promise<void> {
  for (let round = 0; round < MAX_PUSH_ROUNDS; round += 1) {
    if (ctx.media && isMediaTable(table)) await uploadDueMedia(ctx, ctx.media, table, stats);
    const changes = await takeDueChanges(ctx, table);
    if (changes.length === 0) return;
    const chunks: LocalChange[][] = [];
    for (let i = 0; i < changes.length; i += ctx.batchSize)
      chunks.push(changes.slice(i, i + ctx.batchSize));
    let again = false;
    let started = 0;
    const failures: unknown[] = [];
    await forEachLimited(chunks, ctx.maxInFlight, async (chunk) => {
      // Judged down (by any call of the pass), or another chunk failed: the chunk is not sent,
      // its records go back to pending below.
      if (ctx.network.down || failures.length > 0) return;
      started += 1;
      try {
        if (await pushChunk(ctx, table, chunk, stats, newest)) again = true;
      } catch (error) {
        failures.push(error);
      }
    });
    await releaseUnsent(ctx, table, chunks.slice(started).flat());
    if (failures.length > 0) throw failures[0];
    if (ctx.network.down) {
      if (started < chunks.length) {
        const left = chunks.slice(started).reduce((n, c) => n + c.length, 0);
        reportNetworkDown(
          ctx,
          table,
          stats,
          `push stopped after ${started} of ${chunks.length} chunks (${left} records not sent, left pending)`,
        );
      }
      return;
    }
    if (!again) return;
  }
}

/**
 * The due changes of a collection, read and marked `syncing` in one writer: one short
 * transaction per collection and round instead of one per chunk, so that no chunk's commit waits
 * in WatermelonDB's single writer behind its siblings' marking (issue 19). In one writer with the
 * read, the marking cannot come between an app edit and the read of it. A record marked here
 * whose chunk is then not sent goes back to `pending` (releaseUnsent).
 */
async function takeDueChanges(ctx: SyncContext, table: DataTable): Promise<LocalChange[]> {
  return ctx.db.write(async () => {
    const changes = ctx.records.sqlQueries
      ? await readDueChangesSql(ctx, table)
      : await readDueChanges(ctx, table);
    await markSyncing(ctx, table, changes);
    return changes;
  });
}

/** Rows of the queue that are due now (parked rows are scheduled at the end of time). */
async function readDueChanges(ctx: SyncContext, table: DataTable): Promise<LocalChange[]> {
  const rows = await ctx.db
    .get<SyncQueueItem>('sync_queue')
    .query(
      Q.where('collection', table),
      dueRows(ctx.clock.now(), ctx.retryPolicy.maxDelayMs),
      Q.sortBy('scheduled_at'),
    )
    .fetch();
  const records = await ctx.records.findByIds<Model>(
    ctx.db,
    table,
    rows.map((r) => r.documentId),
  );
  return rows.map((row) => {
    const record = records.get(row.documentId);
    return {
      id: row.documentId,
      operation: row.operation,
      data: parseQueueData(row.data),
      raw: record ? snapshotOf(record) : null,
    };
  });
}

/**
 * The same on SQLite, the queue's rows read by one plain query of the three columns the push
 * needs instead of as WatermelonDB records; the records themselves come from the record access
 * (on the fast path mostly from WatermelonDB's cache, and the settling finds them there again).
 */
async function readDueChangesSql(ctx: SyncContext, table: DataTable): Promise<LocalChange[]> {
  const due = dueRowsSql(table, ctx.clock.now(), ctx.retryPolicy.maxDelayMs);
  const rows = (await ctx.db
    .get('sync_queue')
    .query(
      Q.unsafeSqlQuery(
        `select "document_id", "operation", "data" from "sync_queue" where ${due.sql} order by "scheduled_at"`,
        due.args,
      ),
    )
    .unsafeFetchRaw()) as Array<{ document_id: string; operation: QueueOperation; data: string }>;
  if (rows.length === 0) return [];
  const records = await ctx.records.findByIds<Model>(
    ctx.db,
    table,
    rows.map((r) => r.document_id),
  );
  return rows.map((row) => {
    const record = records.get(row.document_id);
    return {
      id: row.document_id,
      operation: row.operation,
      data: parseQueueData(row.data),
      raw: record ? snapshotOf(record) : null,
    };
  });
}

/**
 * A copy of the record's columns as read with its queue row. Not the live `_raw`: WatermelonDB
 * edits that object in place, and a chunk planned from it later (after an app edit made since
 * the read) would send the edit's values under the queue row's older field list and take the
 * edit for sent — the settling would find nothing edited meanwhile, and the edit would never go
 * up (defect 2, lost update, across chunks).
 */
function snapshotOf(record: Model): Record<string, unknown> {
  return { ...rawOf(record) };
}

/**
 * Records the app marked `pending` itself (its own code path, or seeded data) without a queue
 * row get one: a full push based on whatever version they have.
 */
async function adoptUntrackedPending(ctx: SyncContext, table: DataTable): Promise<void> {
  // Looked for outside the writer first (normally there are none); found again inside it, so
  // that an app edit queued in between is not given a second queue row with the same id.
  if ((await findUntrackedPending(ctx, table)).length === 0) return;
  await ctx.db.write(async () => {
    const untracked = await findUntrackedPending(ctx, table);
    const now = ctx.clock.now();
    const operations = untracked.map((record) => {
      const base = (rawOf(record).remote_version as string | null) ?? null;
      return prepareEnqueue(ctx.db, null, {
        table,
        recordId: record.id,
        operation: base === null ? 'create' : 'update',
        fields: [],
        base,
        full: true,
        now,
      });
    });
    if (operations.length > 0) await ctx.db.batch(operations);
  });
}

/** Returns true when conflicts left changes that should go up in another round now. */
async function pushChunk(
  ctx: SyncContext,
  table: DataTable,
  chunk: LocalChange[],
  stats: CollectionStats,
  newest: { version: Version | null },
): Promise<boolean> {
  const planned = chunk.map((change) => planWrite(table, change, ctx.userId));
  const problems = chunk.map((change, i) => writeProblem(table, change, planned[i], ctx.deviceId));
  const committed = await commitIsolating(
    ctx,
    table,
    planned.filter((_, i) => !problems[i]).map((p) => p.write),
  );
  // Records refused before the push are settled as permanent failures (parked in `error`).
  let next = 0;
  const outcomes: PushOutcome[] = planned.map(({ write }, i) => {
    const problem = problems[i];
    if (problem) return { id: write.id, status: 'failed', error: problem };
    next += 1;
    return committed[next - 1];
  });
  for (const outcome of committed)
    if (outcome.status === 'written' && outcome.version && isNewer(outcome.version, newest.version))
      newest.version = outcome.version;
  const blobsLeft = await deleteBlobsOfTombstones(ctx, table, planned, outcomes, stats);
  return settleChunk(
    ctx,
    table,
    planned.map((p, i) => ({
      planned: p,
      outcome: outcomes[i],
      blobsLeft: blobsLeft.has(p.write.id),
    })),
    stats,
  );
}

/**
 * Once a voice note's or photo's tombstone is on the server, its blobs go (the thumbnail too).
 * Not before: until then the record may still be restored elsewhere and reference them. If a
 * deletion fails the queue row stays, so the next pass deletes again (nothing is orphaned).
 */
async function deleteBlobsOfTombstones(
  ctx: SyncContext,
  table: DataTable,
  planned: PlannedWrite[],
  outcomes: PushOutcome[],
  stats: CollectionStats,
): Promise<Set<string>> {
  const left = new Set<string>();
  const media = ctx.media;
  if (!media || !isMediaTable(table)) return left;
  await Promise.all(
    planned.map(async ({ write }, i) => {
      if (!write.deleted || outcomes[i].status !== 'written') return;
      const paths =
        table === 'voice_notes'
          ? [voicePath(ctx.userId, write.id)]
          : [photoPath(ctx.userId, write.id), thumbnailPath(ctx.userId, write.id)];
      try {
        await ctx.retry.executeWithRetry(
          () => Promise.all(paths.map((path) => media.delete(path))),
          `delete blobs of ${table}/${write.id}`,
        );
      } catch (error) {
        const cls = classifyError(error);
        left.add(write.id);
        stats.errors.push({
          collection: table,
          documentId: write.id,
          error: `blob deletion failed: ${cls.code}: ${cls.message}`,
          code: cls.code,
          kind: cls.kind,
        });
      }
    }),
  );
  return left;
}

/** Marks the records of `changes` `syncing` (inside the writer that read them). */
async function markSyncing(
  ctx: SyncContext,
  table: DataTable,
  changes: LocalChange[],
): Promise<void> {
  // Defect zoo: states-never-set, the app's diagram has `syncing` but no code sets it.
  if (hasDefect(ctx.defects, 'states-never-set')) return;
  const ids: string[] = [];
  for (const { id, raw } of changes) {
    if (!raw || raw.sync_status === 'syncing') continue;
    // Fails loudly on a due record in a state a push cannot start from.
    nextStatus(raw.sync_status as SyncStatus, 'push-start', { table, id });
    ids.push(id);
  }
  await ctx.records.updateByIds(ctx.db, table, ids, { sync_status: 'syncing' });
}

/**
 * Puts records marked `syncing` whose chunk was never sent (the network was judged down, or
 * another chunk failed unexpectedly) back to `pending`, as a crash would on restart: nothing was
 * sent for them, so the next pass sends them as they are.
 */
async function releaseUnsent(
  ctx: SyncContext,
  table: DataTable,
  unsent: LocalChange[],
): Promise<void> {
  if (unsent.length === 0 || hasDefect(ctx.defects, 'states-never-set')) return;
  await ctx.db.write(async () => {
    const records = await ctx.records.findByIds<Model>(
      ctx.db,
      table,
      unsent.filter((c) => c.raw).map((c) => c.id),
    );
    const updates = [...records.values()]
      .filter((record) => statusOf(record) === 'syncing')
      .map((record) => ({
        record,
        patch: {
          sync_status: nextStatus('syncing', 'push-retryable-failure', { table, id: record.id }),
        },
      }));
    await ctx.records.narrowUpdate(ctx.db, table, updates);
  });
}

/**
 * Commits a chunk, retrying whole-call failures with backoff. A permanent failure of a batch
 * (e.g. one invalid document makes the atomic batch fail) is narrowed down by halving, so one
 * bad record never blocks the others.
 */
async function commitIsolating(
  ctx: SyncContext,
  table: DataTable,
  writes: PlannedWrite['write'][],
): Promise<PushOutcome[]> {
  if (writes.length === 0) return [];
  try {
    return await ctx.retry.executeWithRetry(
      () =>
        ctx.commitSlots.run(() => {
          // Judged down while this batch waited for a slot: it is not sent into a dead network.
          if (ctx.network.down) throw new NetworkDownError(`push ${table}`, ctx.network);
          return ctx.remote.commit(table, writes, ctx.deviceId);
        }),
      `push ${table}`,
    );
  } catch (error) {
    const cls = classifyError(error);
    if (cls.kind === 'permanent' && writes.length > 1) {
      const middle = Math.ceil(writes.length / 2);
      return [
        ...(await commitIsolating(ctx, table, writes.slice(0, middle))),
        ...(await commitIsolating(ctx, table, writes.slice(middle))),
      ];
    }
    return writes.map((w) => ({ id: w.id, status: 'failed' as const, error: cls }));
  }
}
