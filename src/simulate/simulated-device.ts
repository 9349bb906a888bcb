import { wireDevice } from '../adapters/device-wiring';
import type { Clock } from '../core/clock';
import { forkRandom } from '../core/random';
import type { Sdk } from '../core/sdk';
import { type DeviceFolders, deviceFolders } from '../db/device-paths';
import { deviceSdk } from '../db/device-sdk';
import { type OpenedDatabase, openDatabase } from '../db/open-database';
import type { DataTable } from '../db/schema-current';
import type { ConflictStrategy, DecideFn } from '../sync/conflict-resolver';
import type { DefectName } from '../sync/defects';
import type { RemoteStore } from '../sync/remote-store';
import type { SyncKnobs } from '../sync/sync-knobs';
import type { SyncManager } from '../sync/sync-manager';
import { DataGenerator } from './data-generator';
import { type CrashPoint, FaultInjector, type FaultModel } from './fault-model';
import { FaultProxy, type LinkFaults } from './fault-proxy';
import { SimulatedNetwork } from './network';
import { DEFAULT_SAFETY_MS, VirtualLink } from './virtual-link';
import { WriteCounter } from './write-counter';

/**
 * One simulated phone: its own database in the data directory, its own network (fault proxies
 * in front of the emulators, through which its real Firebase clients connect: firebase-admin, or the app's SDK signed in as the user), its faults
 * above the wire, its data generator, and the real SyncManager on top. Everything is seeded.
 */
export interface SimulatedDeviceOptions {
  dataDir: string;
  userId: string;
  deviceId: string;
  projectId: string;
  firestore: string;
  storage: string | null;
  seed: number;
  /** The SDK the device syncs through; default: the one its database remembers, else admin. */
  sdk?: Sdk;
  clock: Clock;
  /** One strategy, or one per collection (the others remote-wins). */
  strategy: ConflictStrategy | Partial<Record<DataTable, ConflictStrategy>>;
  /** The engine's page size, batch size and commits in flight; absent: its defaults. */
  knobs?: SyncKnobs;
  decide?: DecideFn;
  faults: FaultModel;
  link: LinkFaults;
  /** Client-side deadline of every remote call, on the device's clock (virtual-link.ts). */
  deadlineMs: number;
  /** Real time the emulator may take to answer a call on a healthy link (default 60 s). */
  safetyMs?: number;
  /** Names this device's random streams (default user/device); scenarios keep it stable across runs. */
  randomScope?: string;
  /** Where this device's process dies once (then the simulator restarts it). */
  crashAt?: CrashPoint | null;
  /** Sees the device's remote as its engine does (outside the faults): e.g. counting commits. */
  observeRemote?: (remote: RemoteStore) => RemoteStore;
  /** Test-only engine defects (src/sync/defects.ts): the defect zoo's fuzzing. */
  defects?: ReadonlySet<DefectName>;
}

export interface SimulatedDevice {
  userId: string;
  deviceId: string;
  sdk: Sdk;
  opened: OpenedDatabase;
  folders: DeviceFolders;
  sync: SyncManager;
  network: SimulatedNetwork;
  generator: DataGenerator;
  injector: FaultInjector;
  /** Commits that reached the server, and the documents they wrote. */
  writes: WriteCounter;
  /** Deadlines, black holes, latency, bandwidth and drops on the device's clock. */
  link: VirtualLink;
  proxies: FaultProxy[];
  close(): Promise<void>;
}

export async function openSimulatedDevice(
  options: SimulatedDeviceOptions,
): Promise<SimulatedDevice> {
  const folders = deviceFolders(options.dataDir, options.userId, options.deviceId);
  const seedFor = (purpose: string) =>
    forkRandom(
      options.seed,
      `${options.randomScope ?? `${options.userId}/${options.deviceId}`}/${purpose}`,
    );
  const proxies: FaultProxy[] = [];
  let wiring: { close(): Promise<void> } | null = null;
  let opened: OpenedDatabase | null = null;
  try {
    proxies.push(await FaultProxy.start({ target: options.firestore }));
    if (options.storage) proxies.push(await FaultProxy.start({ target: options.storage }));
    const network = new SimulatedNetwork(proxies);
    network.setFaults(options.link);
    opened = await openDatabase(`sqlite:${folders.databaseFile}`);
    const sdk = await deviceSdk(opened.database, options.sdk);
    const injector = new FaultInjector(
      options.faults,
      seedFor('faults'),
      options.crashAt ?? null,
      (key) => seedFor(`faults/${key}`),
    );
    const writes = new WriteCounter();
    const safetyMs = options.safetyMs ?? DEFAULT_SAFETY_MS;
    const link = new VirtualLink({
      clock: options.clock,
      network,
      deadlineMs: options.deadlineMs,
      safetyMs,
      drawFor: (key) => seedFor(`link/${key}`),
    });
    // The SDKs' own real-time bounds sit beyond the link's safety bound, so that the link (which
    // counts and names it) is the one to give up on a stalled emulator; grpc-js reconnects fast.
    const sdkBoundMs = safetyMs + 5_000;
    const wired = wireDevice({
      endpoints: {
        projectId: options.projectId,
        firestore: proxies[0].endpoint,
        storage: proxies[1]?.endpoint,
        storageTimeoutMs: sdkBoundMs,
      },
      database: opened.database,
      deviceId: options.deviceId,
      sdk,
      userId: options.userId,
      grpc: { callTimeoutMs: sdkBoundMs, maxReconnectBackoffMs: 1_000 },
      // Not the deadline: it is virtual, and may be minutes. Calls held by a black hole cannot
      // finish before close anyway (the proxies close after, dropping what they hold).
      settleOnCloseMs: 2_000,
      // Faults and crash points sit outside the link: a dead process has no deadline.
      // The write counter sits next to the real remote: it counts what the server answered.
      wrapRemote: (remote) => {
        const faulty = injector.remote(link.remote(writes.remote(remote)));
        // The commit log (batched-writes) sees what the engine sent, faults included.
        return options.observeRemote ? options.observeRemote(faulty) : faulty;
      },
      withMedia: Boolean(options.storage),
      publicStorageEndpoint: `http://${options.storage}`,
      wrapMedia: (media) => injector.media(link.media(media)),
      clock: options.clock,
      random: seedFor('retry-jitter'),
      strategy: options.strategy,
      ...options.knobs,
      decide: options.decide,
      network,
      defects: options.defects,
    });
    wiring = wired;
    const sync = wired.sync;
    await sync.initialize(options.userId);
    // Each device records its own data: a seed of its own, derived from the run's seed.
    const generator = new DataGenerator({
      seed: Math.floor(seedFor('generator')() * 2 ** 31),
      mediaDir: folders.mediaDir,
    });
    const ownDb = opened;
    return {
      userId: options.userId,
      deviceId: options.deviceId,
      sdk,
      opened,
      folders,
      sync,
      network,
      generator,
      injector,
      writes,
      link,
      proxies,
      async close() {
        await ownDb.close();
        await wired.close();
        await network.close();
      },
    };
  } catch (error) {
    await opened?.close();
    await wiring?.close();
    await Promise.all(proxies.map((p) => p.close()));
    throw error;
  }
}
