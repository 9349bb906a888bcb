import fs from 'node:fs';
import { type DeviceFolders, deviceFolders } from '../db/device-paths';
import { type OpenedDatabase, openDatabase } from '../db/open-database';
import { UsageError } from './errors';
import type { GlobalOptions } from './global-options';

/** Opens an existing device database; a device that does not exist is bad input (exit 2). */
export async function openExistingDevice(
  options: Pick<GlobalOptions, 'dataDir' | 'user' | 'device'>,
): Promise<{ opened: OpenedDatabase; folders: DeviceFolders }> {
  const folders = deviceFolders(options.dataDir, options.user, options.device);
  const file = folders.databaseFile!;
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `Device ${options.user}/${options.device} has no database at ${file}. Check --data-dir, --user and --device.`,
    );
  }
  return { opened: await openDatabase(`sqlite:${file}`), folders };
}
