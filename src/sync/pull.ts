import type { Model } from '@nozbe/watermelondb';
import type { SyncQueueItem } from '../db/models';
import { loadRetentionFloor } from '../db/retention-floor';
import type { DataTable } from '../db/schema-current';
import { type PlanTarget, preparePlans } from './apply-plan';
import { checkpointAfter, compareCursors, loadPullState, saveCheckpoint } from './checkpoint';
import { classifyError } from './classify-error';
import { AskUserUnavailableError } from './conflict-resolver';
import { hasDefect } from './defects';
import { loadQuarantined, saveQuarantined } from './quarantine-memory';
import { findLocalState, parseQueueData, untrackedChange } from './queue';
import { isEcho, type LocalState, type Plan, reconcile } from './reconcile';
import type { PullCursor, PulledPage, PulledVersion } from './remote-store';
import { nextStatus } from './status-machine';
import type { CollectionStats, SyncContext } from './sync-context';
import { type Version, versionAfter, versionMinus } from './version';
import { MalformedDocumentError, type RemoteDoc } from './wire-format';

/**
 * Pull phase of one collection: this user's documents changed since the checkpoint, page by
 * page in (server time, id) order; each page is applied in one local transaction and only then
 * does the checkpoint move past it. Memory holds two pages at most (the one applied, the next
 * one read meanwhile). Pages follow the last
 * document read; the checkpoint saved stays behind the late-write window (checkpoint.ts), so
 * the next pull reads that window again and anything that landed in it late.
 *
 * The known window: the part of that window this device has already applied (from the
 * checkpoint to `seen`, the last document applied) is read by version only where the remote can
 * (pullVersions); documents at the version the device holds are skipped, the others read in full
 * by id and applied as a page. Right after a push nearly all of it is the device's own writes,
 * which a full read would fetch and decode only to find them echoes.
 */
export async function pullCollection(
  ctx: SyncContext,
  table: DataTable,
  stats: CollectionStats,
): Promise<void> {
  const { checkpoint: start, seen: seenBefore } = await loadPullState(ctx.db, table);
  const memory: PullMemory = {
    reported: await loadQuarantined(ctx.db, table),
    retainedFrom: await loadRetentionFloor(ctx.db, table),
  };
  const { reported } = memory;
  const before = reported.size;
  let cursor = start;
  let checkpoint = start;
  let seen = seenBefore;
  let ahead: Promise<PulledPage> | null = null;
  try {
    // The first page's read time bounds all of them: later pages read later, and the earliest
    // read time is the one every document before the floor was certainly visible at.
    let readTime: Version | null | undefined;
    const advance = async (last: PullCursor, complete: boolean) => {
      let next = checkpointAfter(
        checkpoint,
        last,
        readTime ?? null,
        complete,
        ctx.lateWriteWindowMs,
      );
      // Defect zoo: late-write-race, the checkpoint is simply the last document read (no floor).
      if (hasDefect(ctx.defects, 'late-write-race'))
        next = complete ? { time: versionAfter(last.time), id: null } : last;
      const seenNext = seen && compareCursors(seen, last) >= 0 ? seen : last;
      const same = checkpoint && next.time === checkpoint.time && next.id === checkpoint.id;
      if (same && seenNext === seen) return;
      checkpoint = next;
      seen = seenNext;
      await saveCheckpoint(ctx.db, table, checkpoint, seen);
    };
    const read = (after: PullCursor | null) =>
      ctx.retry.executeWithRetry(
        () => ctx.remote.pullPage(table, ctx.userId, after, ctx.pageSize),
        `pull ${table}`,
      );
    const pullVersions = ctx.remote.pullVersions?.bind(ctx.remote);
    if (pullVersions && start && seenBefore && compareCursors(seenBefore, start) > 0) {
      const through = seenBefore.time;
      for (;;) {
        const page = await ctx.retry.executeWithRetry(
          () => pullVersions(table, ctx.userId, cursor, through, ctx.pageSize),
          `pull ${table}`,
        );
        if (readTime === undefined) readTime = page.readTime;
        const last = page.docs.at(-1);
        if (!last) break;
        await applyVersions(ctx, table, page.docs, stats, memory);
        cursor = { time: last.serverTime, id: last.id };
        await advance(cursor, false);
        if (page.docs.length < ctx.pageSize) break;
      }
    }
    ahead = read(cursor);
    for (;;) {
      const page = await ahead;
      ahead = null;
      if (readTime === undefined) readTime = page.readTime;
      if (page.docs.length === 0) {
        // The previous page was full and the last: the pull is complete after all.
        if (cursor && cursor !== start) await advance(cursor, true);
        // Nothing at all: nothing is stamped before the read time less the window either, and
        // the next pull may start there (and read this device's pushes by version, above).
        else if (!cursor && readTime)
          await advance({ time: versionMinus(readTime, ctx.lateWriteWindowMs), id: null }, true);
        return;
      }
      // The cursor is the last document with a real server time. The Firestore remote returns
      // no other (its query asks for timestamps); should another remote, a page full of them
      // ends this pull rather than loop.
      const last = [...page.docs].reverse().find((doc) => doc.serverTime !== null);
      const complete = page.docs.length < ctx.pageSize;
      const pageEnd = last?.serverTime ? { time: last.serverTime, id: last.id } : null;
      // The next page is asked for while this one is applied: its query needs only this page's
      // last document, and the server's time per page (which grows with the collection) then
      // overlaps the local work instead of adding to it. The checkpoint still moves only after
      // the apply; at most two pages are held.
      if (pageEnd && !complete) {
        ahead = read(pageEnd);
        ahead.catch(() => {}); // awaited below, or in `finally` if the apply fails
      }
      // Defect zoo: checkpoint-before-apply, the checkpoint is saved before the page is applied.
      if (hasDefect(ctx.defects, 'checkpoint-before-apply') && pageEnd)
        await advance(pageEnd, false);
      await applyPage(ctx, table, page.docs, stats, memory);
      if (pageEnd) {
        cursor = pageEnd;
        await advance(cursor, complete);
      }
      if (!ahead) return;
    }
  } finally {
    // A read still running when the apply failed ends before the pull does (nothing left behind).
    await ahead?.catch(() => {});
    if (reported.size > 0 || before > 0)
      await saveQuarantined(ctx.db, table, reported, checkpoint?.time ?? null);
  }
}

/**
 * Applies a page of the known window, read by version: documents at the version the device holds
 * are echoes (counted, nothing read); the others are read in full by id and applied as a page.
 */
async function applyVersions(
  ctx: SyncContext,
  table: DataTable,
  versions: PulledVersion[],
  stats: CollectionStats,
  memory: PullMemory,
) {
  const { records, rows } = await findLocalState(
    ctx,
    table,
    versions.map((v) => v.id),
  );
  const unknown: string[] = [];
  for (const { id, serverTime } of versions) {
    const local = localStateOf(records.get(id) ?? null, rows.get(id) ?? null);
    if (isEcho(local, serverTime)) stats.echoes += 1;
    else unknown.push(id);
  }
  if (unknown.length === 0) return;
  const found = await ctx.retry.executeWithRetry(
    () => ctx.remote.getMany(table, unknown),
    `read ${table}`,
  );
  // One gone since the version read was purged (a tombstone past every device's checkpoint).
  const docs = unknown.flatMap((id) => found.get(id) ?? []);
  await applyPage(ctx, table, docs, stats, memory);
}

/**
 * Applies one page. Plans are made from the local state read before taking the database's
 * writer (a plan may await an ask-user decision), then checked again inside the writer (echoes
 * excepted: they write nothing, whatever happens meanwhile): a record
 * or queue row that changed while the pull waited for the writer (an app edit queued ahead of
 * it) is planned again from what it is now, so no edit is overwritten by a plan made from the
 * record as it was before. WatermelonDB operations are prepared only inside the writer, right
 * before the batch: a prepared record must go to batch() without waiting (WatermelonDB throws
 * otherwise, and an app edit of the same record fails while it waits).
 */
async function applyPage(
  ctx: SyncContext,
  table: DataTable,
  page: RemoteDoc[],
  stats: CollectionStats,
  memory: PullMemory,
) {
  const docs: RemoteDoc[] = [];
  for (const doc of page) {
    if (doc.data.user_id !== ctx.userId) {
      stats.foreign += 1; // the query asks for this user only; anything else is never applied
      continue;
    }
    docs.push(doc); // malformed ones are quarantined whole by planDoc (reconcile checks them)
  }
  if (docs.length === 0) return;
  const ids = docs.map((doc) => doc.id);
  const before = await findLocalState(ctx, table, ids);
  const planned = new Map<string, { plan: Plan; seen: string }>();
  for (const doc of docs) {
    const record = before.records.get(doc.id) ?? null;
    const queueRow = before.rows.get(doc.id) ?? null;
    const plan = await planDoc(ctx, table, doc, record, queueRow, stats, memory);
    if (!plan) continue;
    // An echo (the version the record is based on) writes nothing, and stays an echo whatever
    // the app does meanwhile: an edit keeps the record's base version. So it is not planned
    // again in the writer; a page of echoes (a pass soon after a push reads the device's own
    // writes back, inside the late-write window) takes no writer and no second lookup.
    if (plan.kind === 'none' && plan.reason === 'echo') {
      stats.echoes += 1;
      continue;
    }
    planned.set(doc.id, { plan, seen: fingerprint(record, queueRow) });
  }
  if (planned.size === 0) return;
  await ctx.db.write(async () => {
    const { records, rows } = await findLocalState(ctx, table, [...planned.keys()]);
    const targets: PlanTarget[] = [];
    for (const doc of docs) {
      const first = planned.get(doc.id);
      if (!first) continue;
      const record = records.get(doc.id) ?? null;
      const queueRow = rows.get(doc.id) ?? null;
      const plan =
        fingerprint(record, queueRow) === first.seen
          ? first.plan
          : await planDoc(ctx, table, doc, record, queueRow, stats, memory);
      if (!plan) continue;
      if (plan.kind === 'none' && plan.reason === 'echo') stats.echoes += 1;
      if (plan.kind === 'rebase' && plan.conflict) stats.conflicts.push(plan.conflict);
      targets.push({ id: doc.id, record, queueRow, plan });
    }
    const now = ctx.clock.now();
    // With the SQLite fast path, records new to this device are inserted as plain rows (no
    // WatermelonDB record kept in memory): a first sync's memory stays one page, not the history.
    const insertRows = ctx.records.insertRows;
    const fresh = insertRows
      ? targets.filter((t) => t.plan.kind === 'take' && !t.record && !t.queueRow)
      : [];
    const freshIds = new Set(fresh.map((t) => t.id));
    const inserts = fresh.map((t) => {
      const plan = t.plan as Extract<Plan, { kind: 'take' }>;
      return {
        ...plan.values,
        id: t.id,
        sync_status: nextStatus('absent', 'pulled', { table, id: t.id }),
        synced_at: now,
        remote_version: plan.version,
      };
    });
    // Inserts first: if the process dies between the two, the page is pulled again and the
    // inserted rows are found (the checkpoint moves only after both).
    if (insertRows) await insertRows(ctx.db, table, inserts);
    const { operations, counts } = preparePlans(
      ctx.db,
      table,
      targets.filter((t) => !freshIds.has(t.id)),
      now,
      ctx.defects,
    );
    if (operations.length > 0) await ctx.db.batch(operations);
    counts.taken += inserts.length;
    stats.pulled += counts.taken + counts.destroyed + counts.rebased;
    stats.deleted += counts.destroyed;
    stats.synced += counts.taken + counts.destroyed;
  });
}

/** The plan for one document; null when it is left as it is (reported in `stats`). */
async function planDoc(
  ctx: SyncContext,
  table: DataTable,
  doc: RemoteDoc,
  record: Model | null,
  queueRow: SyncQueueItem | null,
  stats: CollectionStats,
  memory: PullMemory,
): Promise<Plan | null> {
  if (!record && !queueRow && isRetired(doc, memory.retainedFrom)) {
    stats.retired += 1; // removed here by retention cleanup; kept on the server
    return null;
  }
  const local = localStateOf(record, queueRow);
  try {
    return await reconcile(
      {
        table,
        deviceId: ctx.deviceId,
        strategy: ctx.strategyFor(table),
        decide: ctx.decide,
        phase: 'pull',
        defects: ctx.defects,
      },
      doc.id,
      local,
      doc,
    );
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
      return null;
    }
    if (!(error instanceof MalformedDocumentError)) throw error;
    // Reported once per version: the late-write window brings the same document back.
    if (memory.reported.get(doc.id) === doc.version) return null;
    memory.reported.set(doc.id, doc.version);
    quarantine(stats, table, doc.id, error);
    return null;
  }
}

/** The local side of a record as reconcile sees it. */
function localStateOf(record: Model | null, queueRow: SyncQueueItem | null): LocalState {
  const raw = record ? (record._raw as unknown as Record<string, unknown>) : null;
  return {
    raw,
    // A record the app marked pending without a queue row is a local change too (issue 13).
    queue: queueRow
      ? { operation: queueRow.operation, data: parseQueueData(queueRow.data) }
      : untrackedChange(raw),
  };
}

/** What the pull of one collection remembers across passes (each in local storage). */
interface PullMemory {
  /** Malformed documents already reported, by id and version (quarantine-memory.ts). */
  reported: Map<string, Version>;
  /** Records created before this were removed by retention cleanup (db/retention-floor.ts). */
  retainedFrom: number | null;
}

function isRetired(doc: RemoteDoc, retainedFrom: number | null): boolean {
  const created = doc.data.created_at;
  return (
    retainedFrom !== null && !doc.deleted && typeof created === 'number' && created < retainedFrom
  );
}

/** What a plan depends on locally: the record's columns and its queue row. */
function fingerprint(record: Model | null, queueRow: SyncQueueItem | null): string {
  return JSON.stringify([
    record ? record._raw : null,
    queueRow ? [queueRow.operation, queueRow.data] : null,
  ]);
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
