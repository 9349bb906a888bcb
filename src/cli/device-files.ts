import fs from 'node:fs';
import path from 'node:path';
import { deviceDatabasePath } from '../db/device-paths';
import { type OpenedDatabase, openDatabase } from '../db/open-database';
import type { DeviceFolders } from '../files/storage-manager';
import { UsageError } from './errors';
import type { GlobalOptions } from './global-options';

/** Where a simulated device keeps its database, cache and media inside the data directory. */
export function deviceFolders(
  options: Pick<GlobalOptions, 'dataDir' | 'user' | 'device'>,
): DeviceFolders {
  return {
    databaseFile: deviceDatabasePath(options.dataDir, options.user, options.device),
    cacheDir: path.join(options.dataDir, 'cache', options.user, options.device),
    mediaDir: path.join(options.dataDir, 'media', options.user, options.device),
  };
}

/** Opens an existing device database; a device that does not exist is bad input (exit 2). */
export async function openExistingDevice(
  options: Pick<GlobalOptions, 'dataDir' | 'user' | 'device'>,
): Promise<{ opened: OpenedDatabase; folders: DeviceFolders }> {
  const folders = deviceFolders(options);
  const file = folders.databaseFile!;
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `Device ${options.user}/${options.device} has no database at ${file}. Check --data-dir, --user and --device.`,
    );
  }
  return { opened: await openDatabase(`sqlite:${file}`), folders };
}
