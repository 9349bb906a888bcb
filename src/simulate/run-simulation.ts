import { Q } from '@nozbe/watermelondb';
import { createFirebaseClients } from '../adapters/firebase-clients';
import type { Clock } from '../core/clock';
import { percentile } from '../core/percentile';
import { forkRandom } from '../core/random';
import { findByIds } from '../db/find-by-ids';
import { rawOf } from '../db/raw-update';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { judgeRun, type Violation } from '../judge/judge-run';
import type { ConflictStrategy, DecideFn } from '../sync/conflict-resolver';
import type { ConflictReport } from '../sync/reconcile';
import type { SyncError } from '../sync/sync-context';
import type { SyncResult } from '../sync/sync-manager';
import { DEFAULT_DAY } from './data-generator';
import type { CrashPoint, FaultModel } from './fault-model';
import type { LinkFaults, NetworkMode } from './fault-proxy';
import { openSimulatedDevice, type SimulatedDevice } from './simulated-device';

/**
 * The main job (`personalai-sync run`): devices of one user are online for a while, go offline
 * and keep recording, come back, and sync until nothing is pending or the timeout passes.
 * Network I/O is real (through each device's fault proxies to the emulators); time is the
 * given clock. Returns a report; printing is the CLI's business.
 */
export interface RunOptions {
  dataDir: string;
  userId: string;
  deviceIds: string[];
  projectId: string;
  firestore: string;
  storage: string | null;
  seed: number;
  clock: Clock;
  onlineForMs: number;
  offlineForMs: number;
  /** Records per second each device creates while offline. */
  recordsPerSecond: number;
  timeoutMs: number;
  /** Offline as "black hole" (accepts, never answers) instead of "connection refused". */
  blackhole: boolean;
  strategy: ConflictStrategy;
  decide?: DecideFn;
  faults: FaultModel;
  link: LinkFaults;
  deadlineMs: number;
  /** Seed an empty device with a default day of data first. */
  seedIfEmpty: boolean;
  /** Each device's process dies once at this point and is restarted from its durable state. */
  crashAt?: CrashPoint | null;
  tickMs?: number;
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  phase: 'seeding' | 'online' | 'offline' | 'draining' | 'done';
  elapsedMs: number;
  recorded: number;
  pending: number;
}

export interface CollectionReport {
  pushed: number;
  pulled: number;
  conflicts: number;
  failed: number;
  pending: number;
  records: number;
  /** Time spent syncing this collection, summed over passes and devices. */
  durationMs: number;
  /** Creation → server acknowledgement of this collection's records recorded offline. */
  ackLatencyMs: Latency;
}

export interface RunReport {
  seed: number;
  user: string;
  devices: string[];
  strategy: ConflictStrategy;
  phases: { onlineForMs: number; offlineForMs: number; drainMs: number; totalMs: number };
  seeded: number;
  recordedOffline: number;
  passes: number;
  drained: boolean;
  pending: number;
  errorsParked: number;
  collections: Record<DataTable, CollectionReport>;
  conflicts: ConflictReport[];
  errors: Array<SyncError & { device: string }>;
  network: { bytesUp: number; bytesDown: number; connections: number; resets: number };
  faultsInjected: Record<string, number>;
  acksLost: number;
  crashes: Array<{ device: string; point: CrashPoint; atMs: number }>;
  /** The independent checker's verdict after the drain (src/judge/judge-run.ts). */
  invariants: {
    holds: boolean;
    count: number;
    violations: Violation[];
    checked: { records: number; files: number };
  };
  /** Time from a record's creation to the server's acknowledgement, over records synced in this run. */
  ackLatencyMs: Latency;
}

export async function runSimulation(options: RunOptions): Promise<RunReport> {
  const tick = options.tickMs ?? 1000;
  const started = options.clock.now();
  const devices: SimulatedDevice[] = [];
  const totals = emptyTotals();
  const conflicts: ConflictReport[] = [];
  const errors: RunReport['errors'] = [];
  let passes = 0;
  let recorded = 0;
  let seeded = 0;
  const crashes: RunReport['crashes'] = [];
  const retired: SimulatedDevice[] = [];
  let networkMode: NetworkMode = 'online';
  const recordedIds = new Map<string, DataTable>();
  const progress = (phase: RunProgress['phase'], pending = 0) =>
    options.onProgress?.({ phase, elapsedMs: options.clock.now() - started, recorded, pending });
  try {
    for (const deviceId of options.deviceIds) {
      devices.push(await openSimulatedDevice({ ...options, deviceId }));
    }
    progress('seeding');
    if (options.seedIfEmpty) {
      for (const device of devices) seeded += await seedDefaultDay(device, options.clock.now());
    }
    // One pass on every device. A device whose process "dies" at its crash point is restarted
    // from its database (what a killed app finds when it is opened again) and the pass moves on.
    const syncAll = async () => {
      passes += 1;
      await Promise.all(
        devices.map(async (device, index) => {
          const outcome = await Promise.race([
            device.sync.syncAll().then((result) => ({ result })),
            device.injector.crashed.then((point) => ({ point })),
          ]);
          if ('result' in outcome) {
            collect(outcome.result, device.deviceId, totals, conflicts, errors);
            return;
          }
          crashes.push({
            device: device.deviceId,
            point: outcome.point,
            atMs: options.clock.now() - started,
          });
          retired.push(device);
          await device.close().catch(() => {});
          const restarted = await openSimulatedDevice({
            ...options,
            deviceId: device.deviceId,
            crashAt: null,
          });
          await restarted.network.setMode(networkMode);
          devices[index] = restarted;
        }),
      );
    };

    progress('online');
    const onlineUntil = options.clock.now() + options.onlineForMs;
    do {
      await syncAll();
      if (options.clock.now() < onlineUntil) await options.clock.sleep(tick);
    } while (options.clock.now() < onlineUntil);

    networkMode = options.blackhole ? 'blackhole' : 'refuse';
    await Promise.all(devices.map((d) => d.network.setMode(networkMode)));
    const offlineUntil = options.clock.now() + options.offlineForMs;
    const recordRandom = forkRandom(options.seed, 'recording');
    let owed = 0;
    while (options.clock.now() < offlineUntil) {
      const step = Math.min(tick, offlineUntil - options.clock.now());
      await options.clock.sleep(step);
      owed += (options.recordsPerSecond * step) / 1000;
      const count = Math.floor(owed);
      owed -= count;
      for (const device of devices)
        recorded += await recordSome(device, count, options.clock.now(), recordRandom, recordedIds);
      // A black-holed device still believes it is online and tries (and times out); a refused
      // one knows it is offline and does not try (the app's NetworkMonitor).
      if (options.blackhole) await syncAll();
      progress('offline', await pendingOf(devices));
    }

    networkMode = 'online';
    await Promise.all(devices.map((d) => d.network.setMode(networkMode)));
    const drainStart = options.clock.now();
    const deadline = drainStart + options.timeoutMs;
    let pending = await pendingOf(devices);
    // Drain: pass after pass until nothing is pending on any device, then one more round so
    // every device has pulled what the others pushed last.
    for (;;) {
      await syncAll();
      pending = await pendingOf(devices);
      progress('draining', pending);
      if (pending === 0 || options.clock.now() >= deadline) break;
      if ((await parkedOf(devices)) === pending) break; // only parked records left: stop trying
      await options.clock.sleep(Math.min(tick, 250));
    }
    if (pending === 0 && devices.length > 1) await syncAll();
    pending = await pendingOf(devices);
    const drainMs = options.clock.now() - drainStart;
    progress('done', pending);

    const invariants = await judge(options, devices);
    const collections = {} as Record<DataTable, CollectionReport>;
    const latency = await ackLatencies(devices, recordedIds);
    for (const table of DATA_TABLES) {
      collections[table] = {
        ...totals[table],
        pending: await pendingIn(devices, table),
        records: await recordsIn(devices[0], table),
        ackLatencyMs: latency.byTable[table],
      };
    }
    return {
      seed: options.seed,
      user: options.userId,
      devices: options.deviceIds,
      strategy: options.strategy,
      phases: {
        onlineForMs: options.onlineForMs,
        offlineForMs: options.offlineForMs,
        drainMs,
        totalMs: options.clock.now() - started,
      },
      seeded,
      recordedOffline: recorded,
      passes,
      drained: pending === 0,
      pending,
      errorsParked: await parkedOf(devices),
      collections,
      conflicts,
      errors,
      network: networkTotals([...retired, ...devices]),
      faultsInjected: mergeCounts([...retired, ...devices].map((d) => d.injector.counts.injected)),
      acksLost: [...retired, ...devices].reduce((sum, d) => sum + d.injector.counts.acksLost, 0),
      crashes,
      invariants,
      ackLatencyMs: latency.all,
    };
  } finally {
    await Promise.allSettled(devices.map((d) => d.close()));
  }
}

/** Reads every device and the emulators directly (not through the devices' proxies). */
async function judge(
  options: RunOptions,
  devices: SimulatedDevice[],
): Promise<RunReport['invariants']> {
  // Straight to the emulators, not through the devices' proxies.
  const clients = createFirebaseClients(options, 'invariants');
  try {
    return await judgeRun({
      userId: options.userId,
      devices: devices.map((d) => ({
        deviceId: d.deviceId,
        databaseFile: d.folders.databaseFile!,
      })),
      firestore: clients.firestore,
      bucket: options.storage ? clients.bucket() : null,
    });
  } finally {
    await clients.close();
  }
}

async function seedDefaultDay(device: SimulatedDevice, now: number): Promise<number> {
  const existing = await Promise.all(
    DATA_TABLES.map((t) => device.opened.database.get(t).query().fetchCount()),
  );
  if (existing.some((n) => n > 0)) return 0;
  let total = 0;
  for (const table of DATA_TABLES) {
    const rows = await device.generator.records(table, DEFAULT_DAY[table], now);
    await device.sync.store.create(table, rows);
    total += rows.length;
  }
  return total;
}

/** What a phone records over a few seconds: mostly sensor data, sometimes a note or a photo. */
export const RECORDING_MIX: Array<[DataTable, number]> = [
  ['health_data', 0.5],
  ['location_data', 0.38],
  ['text_notes', 0.07],
  ['voice_notes', 0.025],
  ['photo_memories', 0.025],
];

async function recordSome(
  device: SimulatedDevice,
  count: number,
  now: number,
  random: () => number,
  recordedIds: Map<string, DataTable>,
): Promise<number> {
  for (let i = 0; i < count; i += 1) {
    const table = pickWeighted(RECORDING_MIX, random());
    const [id] = await device.sync.store.create(table, [await device.generator.record(table, now)]);
    recordedIds.set(`${device.deviceId}/${id}`, table);
  }
  return count;
}

export function pickWeighted<T>(choices: Array<[T, number]>, draw: number): T {
  let left = draw;
  for (const [choice, weight] of choices) {
    left -= weight;
    if (left < 0) return choice;
  }
  return choices[0][0];
}

async function pendingOf(devices: SimulatedDevice[]): Promise<number> {
  let total = 0;
  for (const d of devices) {
    const status = await d.sync.getStatus();
    total += status.pendingCount + status.errorCount;
  }
  return total;
}

async function parkedOf(devices: SimulatedDevice[]): Promise<number> {
  let total = 0;
  for (const d of devices) total += (await d.sync.getStatus()).errorCount;
  return total;
}

async function pendingIn(devices: SimulatedDevice[], table: DataTable): Promise<number> {
  let total = 0;
  for (const d of devices)
    total += await d.opened.database
      .get('sync_queue')
      .query(Q.where('collection', table))
      .fetchCount();
  return total;
}

async function recordsIn(device: SimulatedDevice, table: DataTable): Promise<number> {
  return device.opened.database.get(table).query().fetchCount();
}

function emptyTotals(): Record<
  DataTable,
  Omit<CollectionReport, 'pending' | 'records' | 'ackLatencyMs'>
> {
  return Object.fromEntries(
    DATA_TABLES.map((t) => [t, { pushed: 0, pulled: 0, conflicts: 0, failed: 0, durationMs: 0 }]),
  ) as never;
}

function collect(
  result: SyncResult,
  device: string,
  totals: ReturnType<typeof emptyTotals>,
  conflicts: ConflictReport[],
  errors: RunReport['errors'],
) {
  for (const [table, stats] of Object.entries(result.collections)) {
    const t = totals[table as DataTable];
    t.pushed += stats.pushed;
    t.pulled += stats.pulled;
    t.conflicts += stats.conflicts.length;
    t.failed += stats.failed;
    t.durationMs += stats.durationMs;
  }
  conflicts.push(...result.conflicts);
  for (const error of result.errors) errors.push({ ...error, device });
}

function networkTotals(devices: SimulatedDevice[]) {
  const totals = { bytesUp: 0, bytesDown: 0, connections: 0, resets: 0 };
  for (const proxy of devices.flatMap((d) => d.proxies)) {
    totals.bytesUp += proxy.stats.bytesUp;
    totals.bytesDown += proxy.stats.bytesDown;
    totals.connections += proxy.stats.connections;
    totals.resets += proxy.stats.reset;
  }
  return totals;
}

function mergeCounts(counts: Array<Record<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const c of counts) for (const [k, v] of Object.entries(c)) merged[k] = (merged[k] ?? 0) + v;
  return merged;
}

export interface Latency {
  count: number;
  p50: number | null;
  p95: number | null;
}

/**
 * Creation to server acknowledgement (synced_at − created_at, both on the device's clock) of the
 * records recorded offline, per collection and over all.
 */
async function ackLatencies(
  devices: SimulatedDevice[],
  recordedIds: Map<string, DataTable>,
): Promise<{ all: Latency; byTable: Record<DataTable, Latency> }> {
  const all: number[] = [];
  const byTable = {} as Record<DataTable, Latency>;
  for (const table of DATA_TABLES) {
    const latencies: number[] = [];
    for (const device of devices) {
      const ids = [...recordedIds]
        .filter(([key, t]) => t === table && key.startsWith(`${device.deviceId}/`))
        .map(([key]) => key.slice(device.deviceId.length + 1));
      for (const record of (await findByIds(device.opened.database, table, ids)).values()) {
        const raw = rawOf(record);
        if (raw.sync_status === 'synced' && typeof raw.synced_at === 'number') {
          latencies.push(raw.synced_at - (raw.created_at as number));
        }
      }
    }
    byTable[table] = percentiles(latencies);
    all.push(...latencies);
  }
  return { all: percentiles(all), byTable };
}

function percentiles(values: number[]): Latency {
  return { count: values.length, p50: percentile(values, 0.5), p95: percentile(values, 0.95) };
}
