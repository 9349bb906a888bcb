import type { Firestore } from 'firebase/firestore';

/**
 * The app's own SDK (the Firebase JS SDK, `firebase@12.19.0`) signed in as a user, on a Firestore
 * emulator, with firestore.rules evaluated for everything it does. The sign-in is the emulator's
 * test-only `mockUserToken` (a phone signs in through Auth; a native SDK has no such thing), so
 * this opener refuses anything but an emulator endpoint. Each call makes its own app (many
 * devices in one process), closed by `close()`.
 *
 * The SDK is loaded when a client is opened: commands that use only firebase-admin never load it.
 */
export interface ClientFirestoreOptions {
  projectId: string;
  /** `host:port` of a Firestore emulator (or a fault proxy in front of it). */
  firestore: string;
  userId: string;
  /** Names the app (a device id); unique per process anyway. */
  label?: string;
}

export interface ClientFirestore {
  firestore: Firestore;
  sdk: ClientSdk;
  /** True once close() began: calls after that fail fast instead of hanging (see ClientRemote). */
  readonly closed: boolean;
  close(): Promise<void>;
}

export type ClientSdk = typeof import('firebase/firestore');

let apps = 0;

/** The two modules of the JS SDK a client needs. */
export interface ClientSdkModules {
  app: typeof import('firebase/app');
  firestore: ClientSdk;
}

export function loadClientSdk(): ClientSdkModules {
  return {
    app: require('firebase/app') as typeof import('firebase/app'),
    firestore: require('firebase/firestore') as ClientSdk,
  };
}

/**
 * `modules`: the SDK to use; by default loaded here. A caller that uses the returned Firestore
 * with its own imports of the SDK passes those (under a test runner's ESM loader, `require`
 * gives another copy of the SDK, whose functions refuse the other copy's Firestore).
 */
export function openClientFirestore(
  options: ClientFirestoreOptions,
  modules: ClientSdkModules = loadClientSdk(),
): ClientFirestore {
  const at = options.firestore.lastIndexOf(':');
  const host = options.firestore.slice(0, at);
  const port = Number(options.firestore.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`Not a Firestore emulator endpoint (host:port): ${options.firestore}`);
  const { app: appSdk, firestore: sdk } = modules;
  // The SDK logs every failed stream at warning level; failures reach the engine as errors.
  sdk.setLogLevel('silent');
  apps += 1;
  const app = appSdk.initializeApp(
    { projectId: options.projectId, apiKey: 'demo-key' },
    `personalai-sync-client-${options.label ?? 'device'}-${apps}`,
  );
  const firestore = sdk.getFirestore(app);
  sdk.connectFirestoreEmulator(firestore, host, port, {
    mockUserToken: { user_id: options.userId },
  });
  let closed = false;
  return {
    firestore,
    sdk,
    get closed() {
      return closed;
    },
    async close() {
      closed = true;
      await sdk.terminate(firestore);
      await appSdk.deleteApp(app);
    },
  };
}
