import path from 'node:path';
import { wireDevice } from '../../src/adapters/device-wiring';
import type { Clock } from '../../src/core/clock';
import { VirtualClock } from '../../src/core/clock';
import type { Sdk } from '../../src/core/sdk';
import { type OpenedDatabase, openDatabase } from '../../src/db/open-database';
import type { MediaStore } from '../../src/files/media-store';
import type { RemoteStore } from '../../src/sync/remote-store';
import type { SyncManager, SyncManagerOptions } from '../../src/sync/sync-manager';
import { testEndpoints } from './backend';

export type AdapterKind = 'sqlite' | 'loki';

export interface TestDevice {
  deviceId: string;
  userId: string;
  opened: OpenedDatabase;
  sync: SyncManager;
  remote: RemoteStore;
  media?: MediaStore;
  close(): Promise<void>;
  /** Closes and reopens the database and the SyncManager (a device restart after a crash). */
  restart(): Promise<TestDevice>;
}

export interface DeviceOptions
  extends Partial<Omit<SyncManagerOptions, 'database' | 'remote' | 'deviceId'>> {
  userId: string;
  deviceId: string;
  adapter: AdapterKind;
  dir: string;
  clock?: Clock;
  /** Wraps the real Firestore remote (fault injection). */
  wrapRemote?: (remote: RemoteStore) => RemoteStore;
  /**
   * Which SDK the device's Firestore remote and files use (admin by default; client: the app's
   * SDK signed in as the user, rules enforced).
   */
  sdk?: Sdk;
  /** Sync files through the test Storage emulator (optionally wrapped). */
  withMedia?: boolean | ((media: MediaStore) => MediaStore);
}

/**
 * A simulated device: its own database and its own Firestore client to the test emulator
 * (firebase-admin, or the app's JS SDK signed in as the user with `sdk: 'client'`).
 */
export async function openDevice(options: DeviceOptions): Promise<TestDevice> {
  const url =
    options.adapter === 'sqlite'
      ? `sqlite:${path.join(options.dir, `${options.deviceId}.db`)}`
      : `loki:${path.join(options.dir, `${options.deviceId}.loki.json`)}`;
  const opened = await openDatabase(url);
  const {
    userId,
    deviceId,
    adapter: _a,
    dir: _d,
    wrapRemote,
    withMedia,
    ...managerOptions
  } = options;
  const wired = wireDevice({
    ...managerOptions,
    endpoints: testEndpoints(),
    database: opened.database,
    deviceId,
    userId,
    wrapRemote,
    withMedia: Boolean(withMedia),
    wrapMedia: typeof withMedia === 'function' ? withMedia : undefined,
  });
  const { remote, media, sync } = wired;
  await sync.initialize(userId);
  const device: TestDevice = {
    deviceId,
    userId,
    opened,
    sync,
    remote,
    media,
    async close() {
      await opened.close();
      await wired.close();
    },
    async restart() {
      await device.close();
      return openDevice(options);
    },
  };
  return device;
}

/**
 * The devices a test opens, with their defaults (adapter, a fresh folder, a virtual clock),
 * closed together at the end of the test by `closeAll()`.
 */
export function useDevices(
  dir: () => string,
  defaults: Partial<DeviceOptions> & { adapter: AdapterKind },
) {
  const devices: TestDevice[] = [];
  async function device(userId: string, deviceId: string, extra: Partial<DeviceOptions> = {}) {
    const d = await openDevice({
      userId,
      deviceId,
      dir: dir(),
      clock: new VirtualClock(),
      ...defaults,
      ...extra,
    });
    devices.push(d);
    return d;
  }
  async function closeAll() {
    await Promise.all(devices.splice(0).map((d) => d.close()));
  }
  return { devices, device, closeAll };
}
