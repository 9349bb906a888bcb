import type { Database } from '@nozbe/watermelondb';

/**
 * How far back a device keeps synced data of a table after retention cleanup: records created
 * before the floor were removed here on purpose and stay on the server. The pull leaves such
 * records alone when the device holds nothing of them (they would otherwise come back with the
 * next read of their documents: their own push echoes, the late-write window, another device's
 * old records). The floor only rises: each cleanup keeps the newest cutoff.
 */
const key = (table: string) => `personalai-sync.retained-from.${table}`;

export async function loadRetentionFloor(db: Database, table: string): Promise<number | null> {
  const stored = Number(await db.localStorage.get<string>(key(table)));
  return Number.isFinite(stored) && stored > 0 ? stored : null;
}

export async function raiseRetentionFloor(
  db: Database,
  table: string,
  cutoff: number,
): Promise<void> {
  const current = await loadRetentionFloor(db, table);
  if (current === null || cutoff > current) await db.localStorage.set(key(table), String(cutoff));
}
