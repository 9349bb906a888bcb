import type { Bucket } from '@google-cloud/storage';
import type { App } from 'firebase-admin/app';
import type { Firestore } from 'firebase-admin/firestore';

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
  projectId: string;
  /** `host:port` of a Firestore emulator (or a proxy in front of it). */
  firestore: string;
  /** `host:port` of a Storage emulator; absent when a command needs no Storage. */
  storage?: string | null;
  /** Per-request timeout of Storage calls (ms), so a black-holed network fails instead of hanging. */
  storageTimeoutMs?: number;
}

export interface FirebaseClients {
  app: App;
  firestore: Firestore;
  bucket(): Bucket;
  close(): Promise<void>;
}

let appCounter = 0;

export function preventMetadataServerProbe(): void {
  process.env.METADATA_SERVER_DETECTION = 'none';
}

export function createFirebaseClients(
  endpoints: FirebaseEndpoints,
  label = 'client',
): FirebaseClients {
  preventMetadataServerProbe();
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
    db.settings({ host: endpoints.firestore, ssl: false });
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
      await firestore.terminate();
      await deleteApp(app);
    },
  };
}

export function defaultBucketName(projectId: string): string {
  return `${projectId}.appspot.com`;
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
