import { afterEach } from 'vitest';
import { openDeviceMedia } from '../../src/adapters/device-media';
import { createFirebaseClients } from '../../src/adapters/firebase-clients';
import type { Sdk } from '../../src/core/sdk';
import type { MediaStore } from '../../src/files/media-store';
import { testEndpoints } from './backend';

export const SDKS: Sdk[] = ['admin', 'client'];

export interface StoreOptions {
  /** `host:port` to connect to instead of the test Storage emulator (e.g. a fault proxy). */
  storage?: string;
  publicEndpoint?: string;
  timeoutMs?: number;
}

/**
 * MediaStores on either SDK, as a device would wire them (src/adapters/device-media.ts), for
 * `userId` on the test run's Storage emulator; all closed after each test.
 */
export function useMediaStores() {
  const opened: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((close) => close()));
  });
  return function openStore(sdk: Sdk, userId: string, options: StoreOptions = {}): MediaStore {
    const base = testEndpoints();
    const endpoints = {
      ...base,
      storage: options.storage ?? base.storage,
      storageTimeoutMs: options.timeoutMs,
    };
    const clients = createFirebaseClients(endpoints, `media-${sdk}`);
    const files = openDeviceMedia({
      sdk,
      endpoints,
      clients,
      userId,
      deviceId: `media-${sdk}`,
      publicStorageEndpoint: options.publicEndpoint,
    });
    opened.push(async () => {
      await Promise.all([files.close(), clients.close()]);
    });
    return files.media;
  };
}
