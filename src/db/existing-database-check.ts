import fs from 'node:fs';
import type { SchemaMigrations } from '@nozbe/watermelondb/Schema/migrations';
import Sqlite from 'better-sqlite3';

export class ForeignDatabaseError extends Error {
  override name = 'ForeignDatabaseError';
}

/**
 * WatermelonDB resets (empties) a database whose version it cannot migrate from, and fails
 * obscurely on a file that is not SQLite. A device's data must never be lost that way, so an
 * existing file is inspected read-only first and refused with a clear message.
 */
export function assertExistingSqliteIsOurs(
  file: string,
  schemaVersion: number,
  migrations: SchemaMigrations,
): void {
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return;
  let version: number;
  let hasQueue: boolean;
  try {
    const db = new Sqlite(file, { readonly: true, fileMustExist: true });
    try {
      version = db.pragma('user_version', { simple: true }) as number;
      hasQueue = Boolean(
        db
          .prepare("select 1 from sqlite_master where type = 'table' and name = 'sync_queue'")
          .get(),
      );
    } finally {
      db.close();
    }
  } catch (error) {
    throw new ForeignDatabaseError(
      `${file} is not a readable SQLite database (${(error as Error).message}). It was left untouched; move it away or pick another --data-dir.`,
    );
  }
  if (version === 0) return; // created but never set up: WatermelonDB will set it up
  if (!hasQueue) {
    throw new ForeignDatabaseError(
      `${file} is a SQLite database but not a PersonalAI one (no sync_queue table). It was left untouched.`,
    );
  }
  if (version > schemaVersion) {
    throw new ForeignDatabaseError(
      `${file} has schema version ${version}, newer than this tool's ${schemaVersion}. Upgrade personalai-sync; the file was left untouched.`,
    );
  }
  if (version < schemaVersion && version < migrations.minVersion) {
    throw new ForeignDatabaseError(
      `${file} has schema version ${version}, which no migration here upgrades from (oldest: ${migrations.minVersion}). It was left untouched.`,
    );
  }
}
