import path from 'node:path';
import { assertSafeId } from '../core/ids';

/** The data directory: `.personalai-sync/` in the current folder unless `--data-dir` says otherwise. */
export const DEFAULT_DATA_DIR = '.personalai-sync';

export function resolveDataDir(dataDir: string | undefined, cwd = process.cwd()): string {
  return path.resolve(cwd, dataDir ?? DEFAULT_DATA_DIR);
}

/** Each simulated device (user id + device id) has its own database file. */
export function deviceDatabasePath(
  dataDir: string,
  userId: string,
  deviceId: string,
  adapter: 'sqlite' | 'loki' = 'sqlite',
): string {
  assertSafeId('User', userId);
  assertSafeId('Device', deviceId);
  const extension = adapter === 'sqlite' ? 'db' : 'loki.json';
  return path.join(dataDir, 'devices', userId, `${deviceId}.${extension}`);
}

/** Where a device keeps its database, cache and media inside the data directory. */
export interface DeviceFolders {
  /** The database file (SQLite, with its -wal/-shm files) or the Loki JSON file; null: in memory. */
  databaseFile: string | null;
  cacheDir: string;
  mediaDir: string;
}

export function deviceFolders(dataDir: string, userId: string, deviceId: string): DeviceFolders {
  return {
    databaseFile: deviceDatabasePath(dataDir, userId, deviceId),
    cacheDir: path.join(dataDir, 'cache', userId, deviceId),
    mediaDir: path.join(dataDir, 'media', userId, deviceId),
  };
}
