import fs from 'node:fs';
import path from 'node:path';
import type { StorageEmulatorHandle } from './storage-emulator';

/**
 * Server state that lives with the data directory (issue 18): emulators a command starts for
 * itself load what the last such command left (`<data dir>/emulator-data`) and save what they hold
 * when it ends, in the emulators' own export formats — Google's Firestore emulator's export (read
 * back with --seed_from_export) and firebase-tools' Storage export. So `seed`, `run`, `sync` in
 * any order agree with the devices they left behind. Attached emulators are someone else's: never
 * touched.
 */
export function savedStateDir(dataDir: string): string {
  return path.join(dataDir, 'emulator-data');
}

/** The Firestore export to start from, if a command saved one. */
export function firestoreSeed(dir: string): string | null {
  const file = path.join(dir, 'firestore', 'firestore.overall_export_metadata');
  return fs.existsSync(file) ? file : null;
}

/** The Storage export to load, if a command saved one. */
export function storageSeed(dir: string): string | null {
  const storage = path.join(dir, 'storage');
  return fs.existsSync(path.join(storage, 'buckets.json')) ? storage : null;
}

/**
 * Saves both emulators' data into `dir`: each export is written beside the last one and then
 * swapped in, so a failed export leaves the previous state whole.
 */
export async function saveState(
  dir: string,
  firestore: { endpoint: string; projectId: string } | null,
  storage: StorageEmulatorHandle | null,
): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const swap = (name: string, made: string) => {
    const final = path.join(dir, name);
    const old = `${final}.old`;
    fs.rmSync(old, { recursive: true, force: true });
    if (fs.existsSync(final)) fs.renameSync(final, old);
    fs.renameSync(made, final);
    fs.rmSync(old, { recursive: true, force: true });
  };
  if (firestore) {
    const staging = fs.mkdtempSync(path.join(dir, '.firestore-'));
    try {
      const response = await fetch(
        `http://${firestore.endpoint}/emulator/v1/projects/${firestore.projectId}:export`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            database: `projects/${firestore.projectId}/databases/(default)`,
            export_directory: path.resolve(staging),
            export_name: 'firestore',
          }),
          signal: AbortSignal.timeout(120_000),
        },
      );
      if (!response.ok)
        throw new Error(
          `the Firestore emulator refused the export: ${response.status} ${await response.text()}`,
        );
      swap('firestore', path.join(staging, 'firestore'));
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  if (storage) {
    const staging = fs.mkdtempSync(path.join(dir, '.storage-'));
    try {
      await storage.exportTo(staging);
      swap('storage', staging);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
}
