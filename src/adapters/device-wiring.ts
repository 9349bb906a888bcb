import { recordAccessFor } from '../db/sqlite-fast-path';
import type { MediaStore } from '../files/media-store';
import { nodeMediaFiles } from '../files/node-media-files';
import { withDeadline } from '../sync/deadline-remote';
import type { RemoteStore } from '../sync/remote-store';
import { SyncManager, type SyncManagerOptions } from '../sync/sync-manager';
import {
  createFirebaseClients,
  type FirebaseClients,
  type FirebaseEndpoints,
  type ProductionEndpoints,
} from './firebase-clients';
import { FirestoreRemote } from './firestore-remote';
import { BucketMediaStore } from './storage-media';

/**
 * One device's wiring, in one place for the CLI, the simulator, the benchmark and the tests:
 * its own Firebase clients, the Firestore remote (with a per-call deadline when asked), the
 * Storage media store, and a SyncManager over the device's database. The database's lifecycle
 * stays with the caller (each opens it its own way); `close()` closes the clients.
 */
export interface DeviceWiringOptions extends Omit<SyncManagerOptions, 'remote' | 'media'> {
  endpoints: FirebaseEndpoints | ProductionEndpoints;
  /** Sync voice notes and photos through Storage (the endpoints must name it). */
  withMedia?: boolean;
  /** Per-call deadline of the Firestore remote (src/sync/deadline-remote.ts). */
  deadlineMs?: number;
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
    publicStorageEndpoint,
    wrapRemote,
    wrapMedia,
    mediaFiles,
    ...managerOptions
  } = options;
  const clients = createFirebaseClients(endpoints, options.deviceId);
  const firestore = new FirestoreRemote(clients.firestore);
  const bounded = deadlineMs === undefined ? firestore : withDeadline(firestore, deadlineMs);
  const remote = wrapRemote ? wrapRemote(bounded) : bounded;
  const bucket = withMedia
    ? new BucketMediaStore(clients.bucket(), undefined, publicStorageEndpoint)
    : undefined;
  const media = bucket && wrapMedia ? wrapMedia(bucket) : bucket;
  // The device's own files are Node's unless the caller brings its own (the app has its own).
  const files = media ? (mediaFiles ?? nodeMediaFiles) : undefined;
  // WatermelonDB's private APIs only through the SQLite fast path, chosen here (record-access.ts).
  const records = managerOptions.records ?? recordAccessFor(managerOptions.database);
  const sync = new SyncManager({ ...managerOptions, remote, media, mediaFiles: files, records });
  return { clients, remote, media, sync, close: () => clients.close() };
}
