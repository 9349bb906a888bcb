import type { Sdk } from '../core/sdk';
import { recordAccessFor } from '../db/sqlite-fast-path';
import type { MediaStore } from '../files/media-store';
import { nodeMediaFiles } from '../files/node-media-files';
import { withDeadline } from '../sync/deadline-remote';
import { assertDefectsAllowed } from '../sync/defects';
import type { RemoteStore } from '../sync/remote-store';
import { SyncManager, type SyncManagerOptions } from '../sync/sync-manager';
import { type ClientFirestore, openClientFirestore } from './client-firestore';
import { ClientRemote } from './client-remote';
import { openDeviceMedia } from './device-media';
import {
  createFirebaseClients,
  type FirebaseClients,
  type FirebaseEndpoints,
  type ProductionEndpoints,
} from './firebase-clients';
import { FirestoreRemote } from './firestore-remote';

/**
 * One device's wiring, in one place for the CLI, the simulator, the benchmark and the tests:
 * its own Firebase clients, the Firestore remote (with a per-call deadline when asked), the
 * Storage media store, and a SyncManager over the device's database. The database's lifecycle
 * stays with the caller (each opens it its own way); `close()` closes the clients.
 */
export interface DeviceWiringOptions extends Omit<SyncManagerOptions, 'remote' | 'media'> {
  endpoints: FirebaseEndpoints | ProductionEndpoints;
  /**
   * Which SDK the device's Firestore remote and files use: firebase-admin (default; no rules), or
   * the app's Firebase JS SDK signed in as `userId` with the Firestore rules enforced (emulators
   * only; Storage rules only where their runtime JAR is present, see docs/security.md).
   */
  sdk?: Sdk;
  /** The signed-in user of a client-SDK device (required with `sdk: 'client'`). */
  userId?: string;
  /** Sync voice notes and photos through Storage (the endpoints must name it). */
  withMedia?: boolean;
  /** Per-call deadline of the Firestore remote (src/sync/deadline-remote.ts). */
  deadlineMs?: number;
  /**
   * The gRPC deadline of firebase-admin's calls (default `deadlineMs`) and its reconnect backoff
   * cap. A simulated device keeps its deadline on the virtual clock (src/simulate/virtual-link.ts)
   * and gives the SDK only a generous real bound, with a short reconnect backoff.
   */
  grpc?: { callTimeoutMs: number; maxReconnectBackoffMs: number };
  /** Real time close() gives abandoned calls to finish (default: two deadlines and a second). */
  settleOnCloseMs?: number;
  /** `http://host:port` the download URLs should name (a proxy, or the public emulator host). */
  publicStorageEndpoint?: string;
  /** Wrappers around the real remote and media store (fault injection, interception). */
  wrapRemote?: (remote: RemoteStore) => RemoteStore;
  wrapMedia?: (media: MediaStore) => MediaStore;
}

export interface WiredDevice {
  clients: FirebaseClients;
  remote: RemoteStore;
  media: MediaStore | undefined;
  sync: SyncManager;
  close(): Promise<void>;
}

export function wireDevice(options: DeviceWiringOptions): WiredDevice {
  const {
    endpoints,
    withMedia,
    deadlineMs,
    grpc,
    settleOnCloseMs,
    publicStorageEndpoint,
    wrapRemote,
    wrapMedia,
    sdk = 'admin',
    userId,
    mediaFiles,
    ...managerOptions
  } = options;
  // Test-only defects never reach a real project (src/sync/defects.ts).
  assertDefectsAllowed(managerOptions.defects, endpoints);
  const clients = createFirebaseClients(
    endpoints,
    options.deviceId,
    grpc ?? { callTimeoutMs: deadlineMs },
  );
  const client = sdk === 'client' ? openClient(endpoints, userId, options.deviceId) : null;
  const firestore = client ? new ClientRemote(client) : new FirestoreRemote(clients.firestore);
  const bounded = deadlineMs === undefined ? firestore : withDeadline(firestore, deadlineMs);
  const remote = wrapRemote ? wrapRemote(bounded) : bounded;
  const storage = withMedia
    ? openDeviceMedia({
        sdk,
        endpoints,
        clients,
        userId,
        deviceId: options.deviceId,
        publicStorageEndpoint,
      })
    : undefined;
  const media = storage && wrapMedia ? wrapMedia(storage.media) : storage?.media;
  // The device's own files are Node's unless the caller brings its own (the app has its own).
  const files = media ? (mediaFiles ?? nodeMediaFiles) : undefined;
  // WatermelonDB's private APIs only through the SQLite fast path, chosen here (record-access.ts).
  const records = managerOptions.records ?? recordAccessFor(managerOptions.database);
  const sync = new SyncManager({ ...managerOptions, remote, media, mediaFiles: files, records });
  const close = async () => {
    // Abandoned calls finish first (a deadline gave up on them, the SDK did not), at most for
    // two deadlines and a second: on a network that is back they do at once.
    if (firestore instanceof FirestoreRemote)
      await firestore.settle(
        settleOnCloseMs ?? (deadlineMs === undefined ? 0 : 2 * deadlineMs + 1000),
      );
    await Promise.all([clients.close(), client?.close(), storage?.close()]);
  };
  return { clients, remote, media, sync, close };
}

function openClient(
  endpoints: FirebaseEndpoints | ProductionEndpoints,
  userId: string | undefined,
  deviceId: string,
): ClientFirestore {
  if (endpoints.kind === 'production')
    throw new Error(
      'A client-SDK device signs in with the emulator-only mock token: it needs the emulators, not a real project.',
    );
  if (!userId) throw new Error(`Device ${deviceId}: a client-SDK device needs its user id.`);
  return openClientFirestore({
    projectId: endpoints.projectId,
    firestore: endpoints.firestore,
    userId,
    label: deviceId,
  });
}
