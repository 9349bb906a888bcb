import fs from 'node:fs';
import path from 'node:path';
import { type Database, Q } from '@nozbe/watermelondb';
import type { Clock } from '../core/clock';
import type { DeviceFolders } from '../db/device-paths';
import { raiseRetentionFloor } from '../db/retention-floor';

/**
 * The app's StorageManager for one device: what its data takes on disk, retention cleanup and
 * cache clearing. Retention deletes locally only (the server keeps the records; no tombstone is
 * queued) and only records already synced: a pending, syncing or errored record is never touched.
 * The cutoff is remembered (db/retention-floor.ts): later pulls do not bring those records back.
 */
export interface StorageUsage {
  database: number;
  cache: number;
  media: number;
  total: number;
}

export type { DeviceFolders };

export const RETENTION_TABLES = ['health_data', 'location_data'] as const;
const DAY_MS = 86_400_000;

export class StorageManager {
  constructor(
    private readonly db: Database,
    private readonly folders: DeviceFolders,
    private readonly clock: Clock,
    /**
     * Test-only defect names (src/sync/defects.ts, the defect zoo; plain strings: src/files/ sits
     * below the engine); undefined in every real use.
     */
    private readonly defects?: ReadonlySet<string>,
  ) {}

  async getStorageUsage(): Promise<StorageUsage> {
    const database = this.folders.databaseFile
      ? ['', '-wal', '-shm'].reduce(
          (sum, suffix) => sum + fileSize(`${this.folders.databaseFile}${suffix}`),
          0,
        )
      : 0;
    const cache = folderSize(this.folders.cacheDir);
    const media = folderSize(this.folders.mediaDir);
    return { database, cache, media, total: database + cache + media };
  }

  /** Deletes synced health and location records created before now − retentionDays. */
  async clearOldData(
    retentionDays: number,
    options: { dryRun?: boolean } = {},
  ): Promise<{ deletedCount: number; byTable: Record<string, number>; cutoff: number }> {
    if (!Number.isFinite(retentionDays) || retentionDays < 0) {
      throw new RangeError(`retentionDays must be a number ≥ 0, got ${retentionDays}.`);
    }
    const cutoff = this.clock.now() - retentionDays * DAY_MS;
    const byTable: Record<string, number> = {};
    let deletedCount = 0;
    await this.db.write(async () => {
      const operations = [];
      for (const table of RETENTION_TABLES) {
        const old = await this.db
          .get(table)
          .query(
            // Defect zoo: cleanup-deletes-unsynced, the status condition forgotten.
            ...(this.defects?.has('cleanup-deletes-unsynced')
              ? []
              : [Q.where('sync_status', 'synced')]),
            Q.where('created_at', Q.lt(cutoff)),
          )
          .fetch();
        byTable[table] = old.length;
        deletedCount += old.length;
        if (!options.dryRun)
          operations.push(...old.map((record) => record.prepareDestroyPermanently()));
      }
      if (operations.length > 0) await this.db.batch(operations);
    });
    // Remembered, so that the next pull does not bring what was just removed back.
    if (!options.dryRun)
      for (const table of RETENTION_TABLES) await raiseRetentionFloor(this.db, table, cutoff);
    return { deletedCount, byTable, cutoff };
  }

  /** Empties the cache folder (downloaded thumbnails, temporary files); returns bytes freed. */
  async clearCache(options: { dryRun?: boolean } = {}): Promise<number> {
    const size = folderSize(this.folders.cacheDir);
    if (!options.dryRun) fs.rmSync(this.folders.cacheDir, { recursive: true, force: true });
    return size;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function folderSize(dir: string): number {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  return entries.reduce((sum, entry) => {
    const full = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderSize(full) : entry.isFile() ? fileSize(full) : 0);
  }, 0);
}
