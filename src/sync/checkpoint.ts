import type { Database } from '@nozbe/watermelondb';
import type { DataTable } from '../db/schema-v2';
import type { PullCursor } from './remote-store';
import { isVersion } from './version';

/**
 * The pull checkpoint of one collection on one device: the (server time, id) of the last
 * document applied. Kept in WatermelonDB's local storage and saved only after the page it ends
 * has been applied; a crash in between re-pulls that page, which applies idempotently (its
 * documents are then echoes of what the device already holds).
 */
const key = (table: DataTable) => `personalai-sync.pull-checkpoint.${table}`;

export async function loadCheckpoint(db: Database, table: DataTable): Promise<PullCursor | null> {
  const stored = await db.localStorage.get<string>(key(table));
  if (!stored) return null;
  try {
    const cursor = JSON.parse(stored) as PullCursor;
    return isVersion(cursor.time) && typeof cursor.id === 'string' ? cursor : null;
  } catch {
    return null;
  }
}

export async function saveCheckpoint(
  db: Database,
  table: DataTable,
  cursor: PullCursor,
): Promise<void> {
  await db.localStorage.set(key(table), JSON.stringify(cursor));
}
