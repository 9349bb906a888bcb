import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from './environment-error';
import { findFreePort, isPortFree } from './free-port';

/**
 * The Cloud Storage for Firebase emulator from `firebase-tools`, run in this process.
 *
 * Its normal launcher (`firebase emulators:start`) needs Java 21 and downloads a rules-runtime
 * JAR, neither of which exists here. So the emulator class is used directly, with rules
 * evaluation replaced by a no-op (admin SDK requests bypass rules anyway) and blobs kept in a
 * folder of this instance's own (the class otherwise shares `$TMPDIR/firebase/storage/blobs`
 * between every instance and deletes it on stop). It is untyped internals of a pinned
 * `firebase-tools` version: nothing outside this file touches them.
 *
 * firebase-tools keeps running emulators in a process-wide registry (needed for upload and media
 * URLs), so one process can run one Storage emulator at a time.
 */
export interface StorageEmulatorHandle {
  host: string;
  port: number;
  /** `host:port`, the form FIREBASE_STORAGE_EMULATOR_HOST takes. */
  endpoint: string;
  blobDir: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

interface FirebaseToolsStorageEmulator {
  start(): Promise<void>;
  stop(): Promise<void>;
  reset(): void;
  getInfo(): { host: string; port: number };
  getName(): string;
  _rulesRuntime: { start(): Promise<void>; stop(): Promise<void> };
}

/**
 * Rules are not evaluated (that needs the downloaded runtime). The emulator refuses every
 * request when it has no ruleset at all, even the admin SDK's metadata call behind
 * getDownloadURL(), so it gets one that permits everything: an honest "rules off".
 */
const permitAll = {
  verify: async () => ({ permitted: true, issues: { exist: () => false, all: [] } }),
};
const noRulesManager = {
  start: async () => [],
  stop: async () => {},
  getRuleset: () => permitAll,
};

export async function startStorageEmulator(options: {
  host: string;
  /** 0: a free port. */
  port: number;
  projectId: string;
}): Promise<StorageEmulatorHandle> {
  const { StorageEmulator } = require('firebase-tools/lib/emulator/storage') as {
    StorageEmulator: new (args: Record<string, unknown>) => object;
  };
  const { EmulatorRegistry } = require('firebase-tools/lib/emulator/registry');
  if (EmulatorRegistry.isRunning('storage')) {
    throw new Error('A Storage emulator is already running in this process.');
  }
  const port = options.port || (await findFreePort(options.host));
  if (!(await isPortFree(port, options.host))) {
    throw new EnvironmentError(
      `Port ${options.host}:${port} is taken; pick another, or attach to what runs there with --storage ${options.host}:${port}.`,
    );
  }
  const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'personalai-storage-'));

  class IsolatedStorageEmulator extends StorageEmulator {
    getPersistenceTmpDir(): string {
      return path.join(blobDir, 'blobs');
    }
    createRulesManager() {
      return noRulesManager;
    }
  }
  const emulator = new IsolatedStorageEmulator({
    host: options.host,
    port,
    projectId: options.projectId,
    rules: [],
    auto_download: false,
  }) as unknown as FirebaseToolsStorageEmulator;
  emulator._rulesRuntime = { start: async () => {}, stop: async () => {} };

  await EmulatorRegistry.start(emulator);
  const { host } = emulator.getInfo();
  return {
    host,
    port,
    endpoint: `${host}:${port}`,
    blobDir,
    async reset() {
      emulator.reset();
    },
    async stop() {
      try {
        await EmulatorRegistry.stop('storage');
      } finally {
        fs.rmSync(blobDir, { recursive: true, force: true });
      }
    },
  };
}
