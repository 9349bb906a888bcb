import type { Database } from '@nozbe/watermelondb';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import type { UnseenDocs } from './remote-store';
import type { SyncContext } from './sync-context';

/** Ids kept per collection in a pass's result and on the device (the count is always exact). */
export const UNSEEN_IDS_KEPT = 20;

/**
 * The check that nothing of the user's on the server is ignored in silence: the documents the
 * pull can never see (no valid `_server_time`) are counted and named by id, never by value.
 * What the last pass found is kept on the device, so that `status` (which opens no connection)
 * does not say Synced while such documents exist. Null: this remote cannot tell.
 */
export async function checkUnseen(ctx: SyncContext, table: DataTable): Promise<UnseenDocs | null> {
  if (!ctx.remote.findUnseen) return null;
  const previous = await loadOne(ctx.db, table);
  const found = await ctx.remote.findUnseen(table, ctx.userId, UNSEEN_IDS_KEPT, previous);
  await ctx.db.localStorage.set(key(table), JSON.stringify(found));
  return { count: found.count, ids: found.ids }; // the counts are the check's own bookkeeping
}

const key = (table: DataTable) => `personalai-sync.unseen.${table}`;

/** What the last check of each collection found on this device; absent: never checked. */
export async function loadUnseen(db: Database): Promise<Partial<Record<DataTable, UnseenDocs>>> {
  const found: Partial<Record<DataTable, UnseenDocs>> = {};
  for (const table of DATA_TABLES) {
    const stored = await loadOne(db, table);
    if (stored) found[table] = { count: stored.count, ids: stored.ids };
  }
  return found;
}

async function loadOne(db: Database, table: DataTable): Promise<UnseenDocs | null> {
  const stored = await db.localStorage.get<string>(key(table));
  if (!stored) return null;
  try {
    const parsed = JSON.parse(stored) as UnseenDocs;
    return Number.isInteger(parsed.count) && Array.isArray(parsed.ids) ? parsed : null;
  } catch {
    return null; // a damaged entry counts as never checked; the next pass writes it again
  }
}

/** The sum of the counts. */
export function unseenTotal(found: Partial<Record<DataTable, UnseenDocs | null>>): number {
  return Object.values(found).reduce((sum, u) => sum + (u?.count ?? 0), 0);
}
