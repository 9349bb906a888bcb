import type { FirebaseApp } from 'firebase/app';
import type { FirebaseStorage } from 'firebase/storage';
import { defaultBucketName } from '../target/target';

/**
 * The app's own Storage SDK (`firebase/storage` of firebase@12.19.0) for one simulated device,
 * signed in as its user: its own named FirebaseApp (many devices live in one process), connected
 * to a Storage emulator (or a fault proxy in front of it) with the emulator-only `mockUserToken`,
 * which is how a phone's signed-in user looks to the emulator.
 *
 * Emulators only: a real project would need a real sign-in (Auth), which this tool does not do.
 *
 * Security rules: the emulator's rules runtime is a JAR firebase-tools downloads; where it is in
 * firebase-tools' cache the emulator enforces storage.rules with it, elsewhere (these machines)
 * it runs open (src/emulators/storage-emulator.ts). The client sends its user's token, which
 * only the runtime checks; tests of what storage.rules allows go through
 * storageWriteProblem() instead (test/rules/storage-rules.test.ts).
 */
export interface ClientStorageOptions {
  projectId: string;
  /** `host:port` of the Storage emulator, or of a proxy in front of it. */
  endpoint: string;
  userId: string;
  /** Names the FirebaseApp, for debugging. */
  label?: string;
  /**
   * The caller bounds every call itself (src/adapters/media-deadline.ts): the SDK's own retries
   * are then cut to one attempt, as the admin store turns autoRetry off. Without this, the SDK
   * retries a refused connection with backoff for 2 minutes (its maxOperationRetryTime), and the
   * engine's RetryHandler could not see or count the failures.
   */
  callerRetries?: boolean;
}

export interface ClientStorage {
  app: FirebaseApp;
  storage: FirebaseStorage;
  close(): Promise<void>;
}

let appCounter = 0;

export function openClientStorage(options: ClientStorageOptions): ClientStorage {
  // Required lazily: the client SDK is loaded only by devices that use it.
  const { initializeApp, deleteApp } = require('firebase/app') as typeof import('firebase/app');
  const { getStorage, connectStorageEmulator } =
    require('firebase/storage') as typeof import('firebase/storage');
  const { host, port } = splitEndpoint(options.endpoint);
  appCounter += 1;
  const app = initializeApp(
    {
      projectId: options.projectId,
      // The JS SDK wants an API key; the emulators ignore it.
      apiKey: 'demo-api-key',
      storageBucket: defaultBucketName(options.projectId),
    },
    `personalai-sync-storage-${options.label ?? 'client'}-${process.pid}-${appCounter}`,
  );
  const storage = getStorage(app);
  connectStorageEmulator(storage, host, port, { mockUserToken: { user_id: options.userId } });
  if (options.callerRetries) {
    // 0 still makes the first attempt; a failure then ends the call instead of a backoff loop.
    storage.maxOperationRetryTime = 0;
    storage.maxUploadRetryTime = 0;
  }
  return { app, storage, close: () => deleteApp(app) };
}

function splitEndpoint(endpoint: string): { host: string; port: number } {
  const at = endpoint.lastIndexOf(':');
  const port = Number(endpoint.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`Storage endpoint "${endpoint}" is not host:port.`);
  }
  return { host: endpoint.slice(0, at), port };
}
