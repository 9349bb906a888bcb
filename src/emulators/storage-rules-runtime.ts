import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where firebase-tools keeps the Storage rules runtime (a JAR it downloads on first use), found
 * the way its lib/emulator/downloadableEmulators.js finds it, so a machine where
 * `firebase emulators:start` (or `firebase setup:emulators:storage`) once ran has it here too:
 *
 * - the cache folder is `$FIREBASE_EMULATORS_PATH`, else `~/.cache/firebase/emulators`;
 * - the file is the `storage` entry of firebase-tools' downloadableEmulatorInfo.json
 *   (`cloud-storage-rules-runtime-v1.1.3.jar` for the pinned firebase-tools);
 * - `$STORAGE_EMULATOR_VERSION` swaps the version in that name;
 * - `$STORAGE_EMULATOR_BINARY_PATH` names the file outright.
 *
 * Pure but for `exists`: env and home folder come in, so tests point it at a fake cache.
 */
export interface RulesRuntimeLocation {
  /** The JAR this machine would use. */
  jar: string;
  present: boolean;
  version: string;
  /** How `jar` was chosen, for messages ("the firebase-tools cache", or the variable). */
  from: 'STORAGE_EMULATOR_BINARY_PATH' | 'FIREBASE_EMULATORS_PATH' | 'the firebase-tools cache';
}

interface DownloadInfo {
  version: string;
  downloadPathRelativeToCacheDir: string;
}

export function firebaseToolsStorageRuntimeInfo(): DownloadInfo {
  const info = require('firebase-tools/lib/emulator/downloadableEmulatorInfo.json') as {
    storage: DownloadInfo;
  };
  return info.storage;
}

export function locateStorageRulesRuntime(
  options: {
    env?: NodeJS.ProcessEnv;
    homeDir?: string;
    info?: DownloadInfo;
    exists?: (file: string) => boolean;
  } = {},
): RulesRuntimeLocation {
  const env = options.env ?? process.env;
  const info = options.info ?? firebaseToolsStorageRuntimeInfo();
  const exists = options.exists ?? isFile;
  const override = env.STORAGE_EMULATOR_BINARY_PATH;
  const wantedVersion = env.STORAGE_EMULATOR_VERSION || info.version;
  if (override) {
    return {
      jar: override,
      present: exists(override),
      version: wantedVersion,
      from: 'STORAGE_EMULATOR_BINARY_PATH',
    };
  }
  const cacheDir =
    env.FIREBASE_EMULATORS_PATH ||
    path.join(options.homeDir ?? os.homedir(), '.cache', 'firebase', 'emulators');
  // firebase-tools replaces every occurrence of the version in the file name the same way.
  const file = info.downloadPathRelativeToCacheDir.split(info.version).join(wantedVersion);
  const jar = path.join(cacheDir, file);
  return {
    jar,
    present: exists(jar),
    version: wantedVersion,
    from: env.FIREBASE_EMULATORS_PATH ? 'FIREBASE_EMULATORS_PATH' : 'the firebase-tools cache',
  };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
