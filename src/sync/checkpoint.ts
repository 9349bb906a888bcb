import type { Database } from '@nozbe/watermelondb';
import type { DataTable } from '../db/schema-current';
import type { PullCursor } from './remote-store';
import { isVersion, type Version, versionAfter, versionBefore, versionMinus } from './version';

/**
 * The pull checkpoint of one collection on one device: where the next pull starts. Kept in
 * WatermelonDB's local storage and saved only after the page it ends has been applied; a crash
 * in between re-pulls that page, which applies idempotently (its documents are then echoes of
 * what the device already holds).
 *
 * It is a floor, not the last document pulled: `_server_time` is stamped when the server begins
 * a request, and a slow commit becomes visible up to LATE_WRITE_WINDOW_MS later, possibly after
 * faster writes stamped after it. So the checkpoint never passes (read time − window): documents
 * re-read behind it are recognised by version and cost nothing but the read
 * (docs/wire-format.md, "Late writes").
 */
const key = (table: DataTable) => `personalai-sync.pull-checkpoint.${table}`;

/**
 * The longest a write can take from its `_server_time` stamp to becoming visible: twice the 60 s
 * deadline Google's client libraries give a Commit (@google-cloud/firestore's
 * firestore_client_config.json), past which the request is abandoned and its writes never land.
 */
export const LATE_WRITE_WINDOW_MS = 120_000;

export async function loadCheckpoint(db: Database, table: DataTable): Promise<PullCursor | null> {
  return (await loadPullState(db, table)).checkpoint;
}

/**
 * Where a collection's pull stands: its checkpoint, and `seen`, the last document the pulls
 * have applied (at or past the checkpoint). Between the two lies the late-write window, already
 * applied once: the next pull reads it by version only (src/sync/pull.ts). `seen` is a hint, not
 * a promise: a document there whose version the device does not hold is read in full.
 */
export interface PullState {
  checkpoint: PullCursor | null;
  seen: PullCursor | null;
}

export async function loadPullState(db: Database, table: DataTable): Promise<PullState> {
  const stored = await db.localStorage.get<string>(key(table));
  if (!stored) return { checkpoint: null, seen: null };
  try {
    const parsed = JSON.parse(stored) as PullCursor & { seen?: unknown };
    if (!isCursor(parsed)) return { checkpoint: null, seen: null };
    const checkpoint = { time: parsed.time, id: parsed.id };
    return { checkpoint, seen: isCursor(parsed.seen) ? parsed.seen : null };
  } catch {
    return { checkpoint: null, seen: null };
  }
}

function isCursor(value: unknown): value is PullCursor {
  const cursor = value as PullCursor | null | undefined;
  return (
    typeof cursor === 'object' &&
    cursor !== null &&
    isVersion(cursor.time) &&
    (typeof cursor.id === 'string' || cursor.id === null)
  );
}

export async function saveCheckpoint(
  db: Database,
  table: DataTable,
  cursor: PullCursor,
  seen: PullCursor | null = null,
): Promise<void> {
  await db.localStorage.set(key(table), JSON.stringify(seen ? { ...cursor, seen } : cursor));
}

/**
 * After a push: the versions this device just wrote are held here, so the next pull may read
 * them by version only, as it reads what it pulled (pull.ts, "the known window"). Only once the
 * collection has a checkpoint: without one the window would be the whole collection.
 */
export async function raiseSeen(db: Database, table: DataTable, written: Version): Promise<void> {
  const { checkpoint, seen } = await loadPullState(db, table);
  if (!checkpoint || (seen && seen.time >= written)) return;
  await saveCheckpoint(db, table, checkpoint, { time: written, id: null });
}

/**
 * The checkpoint after a page ending at `last` (pure). Every write stamped at or before
 * (read time − window) was visible when the query read, so everything up to there that was not
 * returned does not exist; past it, a write may still land. Without a read time, the newest
 * document bounds the read time from below. When the pull is `complete` (its last page was not
 * full), everything visible through `last`'s time was read, so the floor may sit just after it;
 * otherwise other documents of the same stamp may follow `last`. The checkpoint never moves back.
 */
export function checkpointAfter(
  previous: PullCursor | null,
  last: PullCursor,
  readTime: Version | null,
  complete: boolean,
  windowMs: number = LATE_WRITE_WINDOW_MS,
): PullCursor {
  const bound = versionMinus(readTime ?? last.time, windowMs);
  let next: PullCursor;
  if (complete) {
    // Versions sort as strings: the earlier of the two.
    next = { time: [versionAfter(last.time), bound].sort()[0], id: null };
  } else {
    next = compareCursors(last, { time: bound, id: null }) <= 0 ? last : { time: bound, id: null };
  }
  return previous && compareCursors(previous, next) > 0 ? previous : next;
}

/** Cursor order: by time, then id; a floor (id null) comes before every document at its time. */
export function compareCursors(a: PullCursor, b: PullCursor): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.id === b.id) return 0;
  if (a.id === null) return -1;
  if (b.id === null) return 1;
  return a.id < b.id ? -1 : 1;
}

/**
 * The server time through which this device has certainly pulled everything (for tombstone
 * purging, which removes tombstones stamped at or before it): one nanosecond before the
 * checkpoint's time, since documents sharing that time may lie after it (one batch shares one
 * stamp).
 */
export function pulledThrough(cursor: PullCursor): Version {
  return versionBefore(cursor.time);
}
