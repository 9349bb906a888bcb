import type { Sdk } from '../core/sdk';
import type { MediaStore } from '../files/media-store';
import { openClientStorage } from './client-storage';
import { ClientMediaStore } from './client-storage-media';
import type { FirebaseClients, FirebaseEndpoints, ProductionEndpoints } from './firebase-clients';
import { withMediaDeadline } from './media-deadline';
import { BucketMediaStore } from './storage-media';

export interface DeviceMedia {
  media: MediaStore;
  /** Releases what this store opened (the client SDK's app); the admin clients close elsewhere. */
  close(): Promise<void>;
}

/**
 * A device's MediaStore on the chosen SDK. The admin one shares the device's firebase-admin
 * clients; the client one opens the Storage JS SDK signed in as the device's user. With
 * `storageTimeoutMs`, every call of either is bounded by a deadline: the JS SDK cannot abort its
 * fetch requests, and the admin client's request timeout does not cover `file.save()` (an upload
 * into a black hole hung past 60 s with a 1 s timeout, while stat and delete failed after 1 s).
 */
export function openDeviceMedia(options: {
  sdk: Sdk;
  endpoints: FirebaseEndpoints | ProductionEndpoints;
  clients: FirebaseClients;
  userId?: string;
  deviceId: string;
  publicStorageEndpoint?: string;
}): DeviceMedia {
  const { sdk, endpoints, publicStorageEndpoint } = options;
  const timeoutMs = endpoints.storageTimeoutMs;
  const bounded = (media: MediaStore) =>
    timeoutMs === undefined ? media : withMediaDeadline(media, timeoutMs);
  if (sdk === 'admin') {
    const store = new BucketMediaStore(options.clients.bucket(), undefined, publicStorageEndpoint);
    return { media: bounded(store), close: async () => {} };
  }
  if (endpoints.kind === 'production') {
    throw new Error(
      'The client SDK signs in with the emulators’ mock user token; a real Firebase project needs a real sign-in, which this tool does not do. Use the admin SDK there.',
    );
  }
  if (!endpoints.storage) throw new Error('The client SDK needs a Storage endpoint.');
  if (!options.userId) throw new Error('The client SDK signs in as a user: give the userId.');
  const client = openClientStorage({
    projectId: endpoints.projectId,
    endpoint: endpoints.storage,
    userId: options.userId,
    label: options.deviceId,
    callerRetries: timeoutMs !== undefined,
  });
  const store = new ClientMediaStore(client.storage, publicStorageEndpoint);
  return { media: bounded(store), close: client.close };
}
