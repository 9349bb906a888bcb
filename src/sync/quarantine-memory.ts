import type { Database } from '@nozbe/watermelondb';
import type { DataTable } from '../db/schema-current';
import type { Version } from './version';

/**
 * The malformed documents this device has already reported, by id and version. The pull reads
 * the late-write window again (checkpoint.ts), so it meets the same bad document more than
 * once; it is reported the first time, and again only when it changes (a new version). An entry
 * is forgotten once its version is behind the checkpoint: the pull cannot meet it again unless it
 * changes, so the memory holds at most the window's worth of documents.
 */
const key = (table: DataTable) => `personalai-sync.quarantined.${table}`;

export async function loadQuarantined(
  db: Database,
  table: DataTable,
): Promise<Map<string, Version>> {
  const stored = await db.localStorage.get<string>(key(table));
  if (!stored) return new Map();
  try {
    const entries = Object.entries(JSON.parse(stored) as Record<string, unknown>);
    return new Map(entries.filter((e): e is [string, Version] => typeof e[1] === 'string'));
  } catch {
    return new Map();
  }
}

/** Saves the memory without the entries now behind `floor` (the checkpoint's time). */
export async function saveQuarantined(
  db: Database,
  table: DataTable,
  reported: Map<string, Version>,
  floor: Version | null,
): Promise<void> {
  const kept = [...reported].filter(([, version]) => floor === null || version >= floor);
  if (kept.length === 0) await db.localStorage.remove(key(table));
  else await db.localStorage.set(key(table), JSON.stringify(Object.fromEntries(kept)));
}
