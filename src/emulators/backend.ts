import path from 'node:path';
import { type AuthEmulatorHandle, startAuthEmulator } from './auth-emulator';
import { type ResolvedEndpoints, resolveEndpoints } from './endpoints';
import { EnvironmentError } from './environment-error';
import { type FirestoreEmulatorHandle, startFirestoreEmulator } from './firestore-emulator';
import { type StorageEmulatorHandle, startStorageEmulator } from './storage-emulator';
import { openStorageRefusal } from './storage-exposure';
import { locateStorageRulesRuntime } from './storage-rules-runtime';

/** The project's root, where firebase.json and the rules files live. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const FIRESTORE_RULES_FILE = path.join(PROJECT_ROOT, 'firestore.rules');
export const STORAGE_RULES_FILE = path.join(PROJECT_ROOT, 'storage.rules');

export interface BackendOptions {
  dataDir: string;
  projectId?: string;
  firestoreFlag?: string;
  storageFlag?: string;
  authFlag?: string;
  /** Start the emulators nobody else provides (default), or fail if one is missing. */
  startMissing?: boolean;
  needStorage?: boolean;
  /** Sign-in for a phone: off by default (the Auth emulator takes seconds to start). */
  needAuth?: boolean;
  host?: string;
  firestorePort?: number;
  storagePort?: number;
  /** Let a Storage emulator without rules listen beyond loopback (src/emulators/storage-exposure.ts). */
  allowOpenStorage?: boolean;
  authPort?: number;
  onEmulatorOutput?: (line: string) => void;
}

export interface Backend {
  projectId: string;
  firestore: string;
  storage: string | null;
  auth: string | null;
  /** What this backend started itself (and will stop); the rest belongs to someone else. */
  started: {
    firestore: FirestoreEmulatorHandle | null;
    storage: StorageEmulatorHandle | null;
    auth: AuthEmulatorHandle | null;
  };
  resolved: ResolvedEndpoints;
  stop(): Promise<void>;
}

/** Attaches to running emulators where there are any, and starts the rest. */
export async function openBackend(options: BackendOptions): Promise<Backend> {
  const resolved = resolveEndpoints({
    dataDir: options.dataDir,
    projectId: options.projectId,
    firestoreFlag: options.firestoreFlag,
    storageFlag: options.storageFlag,
    authFlag: options.authFlag,
  });
  const host = options.host ?? '127.0.0.1';
  const startMissing = options.startMissing ?? true;
  const started: Backend['started'] = { firestore: null, storage: null, auth: null };
  const stop = async () => {
    await Promise.allSettled([
      started.storage?.stop(),
      started.auth?.stop(),
      started.firestore?.stop(),
    ]);
  };
  const startStorage = !resolved.storage && (options.needStorage ?? true) && startMissing;
  const rulesRuntime = locateStorageRulesRuntime();
  // Refused before anything listens: Firestore would otherwise start on that address first.
  const refusal =
    startStorage &&
    openStorageRefusal({
      host,
      rules: rulesRuntime.present ? 'enforced' : 'open',
      allowOpenStorage: options.allowOpenStorage ?? false,
      runtime: rulesRuntime,
      rulesFile: STORAGE_RULES_FILE,
    });
  if (refusal) throw new EnvironmentError(refusal);
  // Auth builds its router for seconds in this process while Java starts Firestore: together.
  const authStarting =
    !resolved.auth && options.needAuth && startMissing
      ? startAuthEmulator({ host, port: options.authPort ?? 0, projectId: resolved.projectId })
      : null;
  // Handled here so that its failure while Firestore still starts is not an unhandled rejection.
  authStarting?.catch(() => {});
  try {
    if (!resolved.firestore) {
      if (!startMissing)
        throw new Error('No Firestore emulator is running and starting one was not allowed.');
      started.firestore = await startFirestoreEmulator({
        host,
        port: options.firestorePort,
        projectId: resolved.projectId,
        rulesFile: FIRESTORE_RULES_FILE,
        onOutput: options.onEmulatorOutput,
      });
    }
    if (authStarting) started.auth = await authStarting;
    if (startStorage) {
      started.storage = await startStorageEmulator({
        host,
        port: options.storagePort ?? 0,
        projectId: resolved.projectId,
        rulesFile: STORAGE_RULES_FILE,
        allowOpenStorage: options.allowOpenStorage,
        rulesRuntime,
      });
    }
  } catch (error) {
    // An Auth emulator still starting is stopped once it has started.
    started.auth ??= (await authStarting?.catch(() => null)) ?? null;
    await stop();
    throw error;
  }
  return {
    projectId: resolved.projectId,
    firestore: resolved.firestore ?? started.firestore!.endpoint,
    storage: resolved.storage ?? started.storage?.endpoint ?? null,
    auth: resolved.auth ?? started.auth?.endpoint ?? null,
    started,
    resolved,
    stop,
  };
}
