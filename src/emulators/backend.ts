import path from 'node:path';
import { type AuthEmulatorHandle, startAuthEmulator } from './auth-emulator';
import { type ResolvedEndpoints, resolveEndpoints } from './endpoints';
import { EnvironmentError } from './environment-error';
import { type FirebaseConfig, readFirebaseConfig } from './firebase-config';
import {
  type FirestoreEmulatorHandle,
  isFirestoreEmulatorUp,
  startFirestoreEmulator,
} from './firestore-emulator';
import { firestoreSeed, saveState, storageSeed } from './saved-state';
import { type StorageEmulatorHandle, startStorageEmulator } from './storage-emulator';
import { openStorageRefusal } from './storage-exposure';
import { locateStorageRulesRuntime } from './storage-rules-runtime';
import { isAuthEmulatorUp } from './test-user';

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
  /**
   * Emulators started here load their data from this folder and save it there when stopped
   * (src/emulators/saved-state.ts); attached emulators are never touched. None: throwaway.
   */
  stateDir?: string;
  /**
   * The app's firebase.json and .firebaserc (default: read from the current folder up). Its
   * project id is used when none is given; its emulators are attached to when they answer.
   */
  firebaseConfig?: FirebaseConfig;
  /** Attach to emulators answering on firebase.json's ports (default); `emulators start` does not. */
  attachConfigured?: boolean;
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
  /** The firebase.json whose ports gave an attached emulator (source `firebase.json`), if any. */
  configFile: string | null;
  /** Where the started emulators' data lives between commands, and what they loaded from it. */
  saved: { dir: string; loaded: boolean } | null;
  stop(): Promise<void>;
}

/** Attaches to running emulators where there are any, and starts the rest. */
export async function openBackend(options: BackendOptions): Promise<Backend> {
  const config = options.firebaseConfig ?? readFirebaseConfig();
  const inputs = {
    dataDir: options.dataDir,
    projectId: options.projectId,
    firestoreFlag: options.firestoreFlag,
    storageFlag: options.storageFlag,
    authFlag: options.authFlag,
  };
  let resolved = resolveEndpoints({ ...inputs, configured: { projectId: config.projectId } });
  if (options.attachConfigured ?? true) {
    const answering = await answeringConfigured(config, resolved, options);
    if (Object.keys(answering).length > 0)
      resolved = resolveEndpoints({
        ...inputs,
        configured: { projectId: config.projectId, ...answering },
      });
  }
  const host = options.host ?? '127.0.0.1';
  const startMissing = options.startMissing ?? true;
  const started: Backend['started'] = { firestore: null, storage: null, auth: null };
  const stateDir = options.stateDir;
  const stop = async () => {
    if (stateDir && (started.firestore || started.storage)) {
      // Saved before anything stops; a failure is said, and the last saved state stays whole.
      await saveState(
        stateDir,
        started.firestore
          ? { endpoint: started.firestore.endpoint, projectId: resolved.projectId }
          : null,
        started.storage,
      ).catch((error) =>
        process.stderr.write(
          `Could not save the emulators' data to ${stateDir}: ${error instanceof Error ? error.message : error}; what this command wrote to the server is not kept (the previous saved state is).\n`,
        ),
      );
    }
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
        seedFromExport: (stateDir && firestoreSeed(stateDir)) || undefined,
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
      const seed = stateDir && storageSeed(stateDir);
      if (seed) started.storage.importFrom(seed);
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
    configFile: Object.values(resolved.source).includes('firebase.json') ? config.file : null,
    saved:
      stateDir && (started.firestore || started.storage)
        ? {
            dir: stateDir,
            loaded: Boolean(
              (started.firestore && firestoreSeed(stateDir)) ||
                (started.storage && storageSeed(stateDir)),
            ),
          }
        : null,
    stop,
  };
}

/**
 * The emulators firebase.json configures that nothing else provides and that answer now (a
 * `firebase emulators:start` of the app's): a command uses them rather than starting its own
 * emulators that the app would never see. One quick loopback request each, only where needed.
 */
async function answeringConfigured(
  config: FirebaseConfig,
  resolved: ResolvedEndpoints,
  options: BackendOptions,
): Promise<{ firestore?: string; storage?: string; auth?: string }> {
  const wanted = {
    firestore: !resolved.firestore,
    storage: !resolved.storage && (options.needStorage ?? true),
    auth: !resolved.auth && Boolean(options.needAuth),
  };
  const probes = {
    firestore: isFirestoreEmulatorUp,
    storage: isHttpUp,
    auth: (endpoint: string) => isAuthEmulatorUp(endpoint),
  };
  const found: { firestore?: string; storage?: string; auth?: string } = {};
  await Promise.all(
    (['firestore', 'storage', 'auth'] as const).map(async (name) => {
      const endpoint = config.emulators[name];
      if (endpoint && wanted[name] && (await probes[name](endpoint))) found[name] = endpoint;
    }),
  );
  return found;
}

/** Something answers HTTP there (the Storage emulator has no health route of its own). */
export async function isHttpUp(endpoint: string): Promise<boolean> {
  try {
    await fetch(`http://${endpoint}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
