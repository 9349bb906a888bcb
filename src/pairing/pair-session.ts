import { createFirebaseClients } from '../adapters/firebase-clients';
import { adminWatchSource, type WatchHandle, watchUser } from '../adapters/firestore-watch';
import { type Backend, openBackend, STORAGE_RULES_FILE } from '../emulators/backend';
import {
  readLiveRegistration,
  removeRegistration,
  writeRegistration,
} from '../emulators/registration';
import { openStorageNotice } from '../emulators/storage-exposure';
import { ensureTestUser } from '../emulators/test-user';
import { buildPairingInfo, isWildcard, type PairingInfo } from './connection-info';
import { harnessDevicesOf } from './harness-devices';
import { type PairEvent, toPairEvent } from './pair-events';
import { choosePublicHost, type InterfaceAddress } from './public-host';

/**
 * A pairing: the emulators (attached, or started here), the user made on the Auth emulator, and
 * a listener on every collection of the user that reports each write with its side and latency.
 * What it started it stops, on `stop()` and when opening fails half-way.
 *
 * Emulators started here are registered in the data directory (as `emulators start` does) when
 * nothing else is, so `sync`, `run` and `seed` in another terminal attach to them and their
 * devices write download URLs for the phone's address (the registration's `publicHost`).
 */
export interface PairOptions {
  dataDir: string;
  projectId?: string;
  userId: string;
  password: string;
  firestoreFlag?: string;
  storageFlag?: string;
  authFlag?: string;
  /** Where emulators started here listen (default 127.0.0.1). */
  listen?: string;
  /** Start open Storage beyond loopback anyway (src/emulators/storage-exposure.ts). */
  allowOpenStorage?: boolean;
  publicHost?: string;
  interfaces: InterfaceAddress[];
  now: () => number;
  onEvent: (event: PairEvent) => void;
  onResubscribe?: (collection: string, reason: string) => void;
  watchdogMs?: number;
  readyTimeoutMs?: number;
}

export interface PairSession {
  info: PairingInfo;
  /** The public host was guessed from this machine's interfaces (a wildcard listen). */
  publicHostGuessed: boolean;
  /** Which emulators this pairing started (the rest it attached to). */
  started: { firestore: boolean; storage: boolean; auth: boolean };
  /** Said when this pairing started Storage without its rules (open to everyone). */
  openStorageNotice: string | null;
  userCreated: boolean;
  events: PairEvent[];
  watch: WatchHandle;
  stop(): Promise<void>;
}

export async function startPairing(options: PairOptions): Promise<PairSession> {
  const listen = options.listen ?? '127.0.0.1';
  const backend = await openBackend({
    dataDir: options.dataDir,
    projectId: options.projectId,
    firestoreFlag: options.firestoreFlag,
    storageFlag: options.storageFlag,
    authFlag: options.authFlag,
    needAuth: true,
    host: listen,
    allowOpenStorage: options.allowOpenStorage,
  });
  const cleanups: Array<() => Promise<void> | void> = [() => backend.stop()];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch {
        // the rest still stop
      }
    }
  };
  try {
    return await pairOn(backend, listen, options, cleanups, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function pairOn(
  backend: Backend,
  listen: string,
  options: PairOptions,
  cleanups: Array<() => Promise<void> | void>,
  stop: () => Promise<void>,
): Promise<PairSession> {
  const connectable = (endpoint: string) => connectableEndpoint(endpoint);
  const firestore = connectable(backend.firestore);
  const storage = backend.storage ? connectable(backend.storage) : null;
  const auth = connectable(backend.auth!);
  const user = await ensureTestUser({
    auth,
    projectId: backend.projectId,
    userId: options.userId,
    password: options.password,
  });
  // Emulators attached to listen where they were started: their own host is the listen address.
  const listenAddress = backend.started.firestore ? listen : hostOf(backend.firestore);
  const publicHost = choosePublicHost({
    listen: listenAddress,
    publicHost: options.publicHost,
    interfaces: options.interfaces,
  });
  const info = buildPairingInfo({
    projectId: backend.projectId,
    user: { uid: user.uid, email: user.email, password: user.password },
    listen: listenAddress,
    publicHost: publicHost.host,
    ports: {
      firestore: portOf(backend.firestore),
      storage: backend.storage ? portOf(backend.storage) : null,
      auth: portOf(backend.auth!),
    },
  });
  registerIfStartedHere(
    backend,
    options.dataDir,
    { firestore, storage, auth },
    publicHost.host,
    cleanups,
    options.now,
  );

  const clients = createFirebaseClients(
    { projectId: backend.projectId, firestore, storage: null },
    'pair',
  );
  cleanups.push(() => clients.close());
  let harness = harnessDevicesOf(options.dataDir, options.userId);
  const events: PairEvent[] = [];
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const watch = watchUser(
    adminWatchSource(clients.firestore, options.userId),
    (change) => {
      const seenAt = options.now();
      // A device made while pairing runs is recognised from its first write.
      if (change.device && !harness.has(change.device))
        harness = harnessDevicesOf(options.dataDir, options.userId);
      const event = toPairEvent(change, seenAt, harness);
      events.push(event);
      options.onEvent(event);
    },
    { watchdogMs: options.watchdogMs, onResubscribe: options.onResubscribe, onReady: markReady },
  );
  cleanups.push(() => watch.stop());
  const session: PairSession = {
    info,
    publicHostGuessed: publicHost.guessed,
    openStorageNotice:
      backend.started.storage?.rules === 'open'
        ? openStorageNotice(backend.started.storage.rulesRuntime, STORAGE_RULES_FILE)
        : null,
    started: {
      firestore: backend.started.firestore !== null,
      storage: backend.started.storage !== null,
      auth: backend.started.auth !== null,
    },
    userCreated: user.created,
    events,
    watch,
    stop,
  };
  await withTimeout(ready, options.readyTimeoutMs ?? 60_000, 'the listeners did not start');
  return session;
}

function registerIfStartedHere(
  backend: Backend,
  dataDir: string,
  endpoints: { firestore: string; storage: string | null; auth: string },
  publicHost: string,
  cleanups: Array<() => Promise<void> | void>,
  now: () => number,
): void {
  if (!backend.started.firestore || !endpoints.storage || readLiveRegistration(dataDir)) return;
  writeRegistration(dataDir, {
    pid: process.pid,
    projectId: backend.projectId,
    firestore: endpoints.firestore,
    storage: endpoints.storage,
    auth: endpoints.auth,
    publicHost,
    startedAt: new Date(now()).toISOString(),
  });
  cleanups.push(() => removeRegistration(dataDir, process.pid));
}

/** The harness itself connects to a wildcard listener through loopback. */
export function connectableEndpoint(endpoint: string): string {
  const host = hostOf(endpoint);
  return isWildcard(host) ? `127.0.0.1:${portOf(endpoint)}` : endpoint;
}

function hostOf(endpoint: string): string {
  return endpoint.slice(0, endpoint.lastIndexOf(':')).replace(/^\[|\]$/g, '');
}

function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
