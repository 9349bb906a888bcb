import type { Bucket } from '@google-cloud/storage';
import type { App } from 'firebase-admin/app';
import type { Firestore } from 'firebase-admin/firestore';
import { defaultBucketName, STORAGE_PRODUCTION_HOST } from '../target/target';

export { defaultBucketName };

/**
 * firebase-admin clients for one simulated device (or one tool), never the default app: many
 * devices live in one process, each possibly behind its own fault proxy.
 *
 * Emulator mode only sends traffic to loopback: Google's auth library would otherwise probe the
 * cloud metadata server (169.254.169.254, metadata.google.internal) on the first request, and
 * without an explicit project id may shell out to `gcloud`. Hence METADATA_SERVER_DETECTION=none
 * and a project id that is always given.
 */
export interface FirebaseEndpoints {
  kind?: 'emulator';
  projectId: string;
  /** `host:port` of a Firestore emulator (or a proxy in front of it). */
  firestore: string;
  /** `host:port` of a Storage emulator; absent when a command needs no Storage. */
  storage?: string | null;
  /** Per-request timeout of Storage calls (ms), so a black-holed network fails instead of hanging. */
  storageTimeoutMs?: number;
}

/**
 * A real Firebase project (a production target, see src/target/target.ts): application default
 * credentials (checked beforehand by findCredentials), Firestore at firestore.googleapis.com over
 * TLS, Storage at storage.googleapis.com. The metadata server stays undetected here too: a key file
 * (or gcloud's application-default login) needs no probe.
 */
export interface ProductionEndpoints {
  kind: 'production';
  projectId: string;
  /** The Storage bucket; null when a command needs no Storage. */
  bucket: string | null;
  storageTimeoutMs?: number;
}

export interface FirebaseClients {
  app: App;
  firestore: Firestore;
  bucket(): Bucket;
  close(): Promise<void>;
}

let appCounter = 0;

/**
 * Firestore clients whose owner closed them. firebase-admin answers a call on a terminated client
 * with a rejection deep in its own stream code that nobody can catch (Node kills the process on
 * it), and the caller's promise never settles; so a remote asks here first and fails fast (see
 * FirestoreRemote). Marked before terminating, so a call racing the close is refused too.
 */
const closedClients = new WeakSet<Firestore>();

export function isClosedClient(firestore: Firestore): boolean {
  return closedClients.has(firestore);
}

export function preventMetadataServerProbe(): void {
  process.env.METADATA_SERVER_DETECTION = 'none';
}

export function createFirebaseClients(
  endpoints: FirebaseEndpoints | ProductionEndpoints,
  label = 'client',
  options: {
    /** The gRPC deadline of every Firestore call but listens (emulator clients only). */
    callTimeoutMs?: number;
    /** grpc-js's reconnect backoff cap; default max(1 s, callTimeoutMs). */
    maxReconnectBackoffMs?: number;
  } = {},
): FirebaseClients {
  preventMetadataServerProbe();
  if (endpoints.kind === 'production') return productionClients(endpoints, label);
  const { initializeApp, deleteApp } =
    require('firebase-admin/app') as typeof import('firebase-admin/app');
  const { getFirestore } =
    require('firebase-admin/firestore') as typeof import('firebase-admin/firestore');
  appCounter += 1;
  const app = initializeApp(
    { projectId: endpoints.projectId, storageBucket: defaultBucketName(endpoints.projectId) },
    `personalai-sync-${label}-${appCounter}`,
  );
  // The SDK prefers FIRESTORE_EMULATOR_HOST over per-client settings; hide it while this client
  // is built so that it connects where it is told (e.g. through this device's fault proxy).
  // (firebase-admin's initializeFirestore() drops `host`, so the settings go on afterwards.)
  const firestore = withoutEnv('FIRESTORE_EMULATOR_HOST', () => {
    const db = getFirestore(app);
    db.settings({
      host: endpoints.firestore,
      ssl: false,
      ...(options.callTimeoutMs === undefined
        ? {}
        : boundedCalls(
            options.callTimeoutMs,
            options.maxReconnectBackoffMs ?? Math.max(1000, options.callTimeoutMs),
          )),
    });
    return db;
  });
  const bucket = endpoints.storage
    ? storageBucket(endpoints.projectId, endpoints.storage, endpoints.storageTimeoutMs)
    : null;
  return {
    app,
    firestore,
    bucket() {
      if (!bucket)
        throw new Error('These Firebase clients were created without a Storage endpoint.');
      return bucket;
    },
    async close() {
      closedClients.add(firestore);
      await firestore.terminate();
      await deleteApp(app);
    },
  };
}

/**
 * Firestore settings that bound every call the engine makes at `ms` on the wire, not only in
 * the engine's own deadline (src/sync/deadline-remote.ts), which cannot cancel an SDK call: a
 * call it gave up on stayed open on the channel until the SDK's own 60 s, and on a flaky link
 * those piled up until the emulator refused new streams (flaky-network.yaml stalled 60 s, or
 * for good). With a gRPC deadline the call ends on both sides. The reconnect backoff is capped
 * the same way: after resets grpc-js waited up to 120 s before reconnecting, long after the
 * network was back (a phone's SDK reconnects when connectivity returns). Listens are not bounded.
 */
function boundedCalls(ms: number, reconnectMs: number): Record<string, unknown> {
  const methods = ['Commit', 'RunQuery', 'BatchGetDocuments', 'RunAggregationQuery'];
  const transactions = ['BeginTransaction', 'Rollback'];
  return {
    'grpc.max_reconnect_backoff_ms': reconnectMs,
    clientConfig: {
      interfaces: {
        'google.firestore.v1.Firestore': {
          methods: Object.fromEntries(
            [...methods, ...transactions].map((m) => [m, { timeout_millis: ms }]),
          ),
        },
      },
    },
  };
}

/** The public endpoint of Firebase download URLs of a real project. */
export const FIREBASE_STORAGE_PUBLIC_ENDPOINT = 'https://firebasestorage.googleapis.com';

function productionClients(endpoints: ProductionEndpoints, label: string): FirebaseClients {
  const { initializeApp, deleteApp, applicationDefault } =
    require('firebase-admin/app') as typeof import('firebase-admin/app');
  const { getFirestore } =
    require('firebase-admin/firestore') as typeof import('firebase-admin/firestore');
  appCounter += 1;
  const app = initializeApp(
    {
      projectId: endpoints.projectId,
      credential: applicationDefault(),
      ...(endpoints.bucket ? { storageBucket: endpoints.bucket } : {}),
    },
    `personalai-sync-${label}-${appCounter}`,
  );
  // No host override: firestore.googleapis.com over TLS. An emulator variable must not redirect
  // a production client either (the target decision refuses one being set; this is the backstop).
  const firestore = withoutEnv('FIRESTORE_EMULATOR_HOST', () => getFirestore(app));
  let bucket: Bucket | null = null;
  if (endpoints.bucket) {
    const { Storage } = require('@google-cloud/storage') as typeof import('@google-cloud/storage');
    const timeout = endpoints.storageTimeoutMs;
    const storage = withoutEnv(
      'STORAGE_EMULATOR_HOST',
      () =>
        new Storage({
          projectId: endpoints.projectId,
          apiEndpoint: `https://${STORAGE_PRODUCTION_HOST}`,
          ...(timeout ? { timeout } : {}),
        }),
    );
    bucket = storage.bucket(endpoints.bucket);
  }
  return {
    app,
    firestore,
    bucket() {
      if (!bucket) throw new Error('These Firebase clients were created without a Storage bucket.');
      return bucket;
    },
    async close() {
      closedClients.add(firestore);
      await firestore.terminate();
      await deleteApp(app);
    },
  };
}

/**
 * A Cloud Storage client bound to one emulator endpoint. firebase-admin's getStorage() would take
 * the endpoint from the process-wide STORAGE_EMULATOR_HOST and look up a project id through
 * Google's auth library; here both are explicit, so devices behind different proxies coexist.
 * Emulators need no credentials: Google's PassThroughClient sends requests unauthenticated and
 * never looks for credentials (the Storage client's own default would, even for a custom
 * endpoint, on its resumable-upload path).
 */
function storageBucket(projectId: string, endpoint: string, timeout?: number): Bucket {
  const { Storage } = require('@google-cloud/storage') as typeof import('@google-cloud/storage');
  const { PassThroughClient } =
    require('google-auth-library') as typeof import('google-auth-library');
  const storage = new Storage({
    projectId,
    apiEndpoint: `http://${endpoint}`,
    authClient: new PassThroughClient() as never,
    ...(timeout ? { timeout, retryOptions: { autoRetry: false } } : {}),
  });
  return storage.bucket(defaultBucketName(projectId));
}

function withoutEnv<T>(name: string, build: () => T): T {
  const saved = process.env[name];
  delete process.env[name];
  try {
    return build();
  } finally {
    if (saved !== undefined) process.env[name] = saved;
  }
}
