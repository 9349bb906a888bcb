import { Q } from '@nozbe/watermelondb';
import { createFirebaseClients } from '../adapters/firebase-clients';
import type { Clock } from '../core/clock';
import { type FleetSdk, sdkOf } from '../core/sdk';
import { findByIds } from '../db/find-by-ids';
import { rawOf } from '../db/raw-update';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { judgeRun as judgeDevices, type Violation } from '../judge/judge-run';
import type { CrashPoint, FaultModel } from '../simulate/fault-model';
import type { LinkFaults } from '../simulate/fault-proxy';
import { OtherWriters } from '../simulate/other-writer';
import type { SimulatedDevice } from '../simulate/simulated-device';
import type { ConflictStrategy, DecideFn } from '../sync/conflict-resolver';
import type { ConflictReport } from '../sync/reconcile';
import type { SyncError } from '../sync/sync-context';
import type { SyncKnobs } from '../sync/sync-knobs';
import { DeviceSlot } from './device-slot';
import { Scenario, type ScenarioInput, type ScenarioSpec } from './format';
import { drainPolicy, type HealResult, heal, pendingOf } from './heal';
import { type Phase, runPhases, type StepReport, stepsPhase } from './phases';
import { mergeCounts } from './run-scenario';
import { runNames, runTimeline, timelineSteps } from './run-timeline';
import { Simulation } from './simulation';

/**
 * The main job (`personalai-sync run`): devices of one user are online for a while, go offline
 * and keep recording, come back, and sync until nothing is pending or the timeout passes. It is
 * a timeline (src/scenario/run-timeline.ts) run by the scenario runner's phases, with `run`'s own
 * world: real time, the user's own devices in the data directory (they live on between runs),
 * devices syncing together, a drain that keeps the faults, and the independent checker as judge.
 * Returns a report; printing is the CLI's business.
 */
export interface RunOptions {
  dataDir: string;
  userId: string;
  deviceIds: string[];
  projectId: string;
  firestore: string;
  storage: string | null;
  seed: number;
  /** The devices' SDK (mixed: alternating, the first admin); default: each device's own. */
  sdk?: FleetSdk;
  clock: Clock;
  onlineForMs: number;
  offlineForMs: number;
  /** Records per second each device creates while offline. */
  recordsPerSecond: number;
  /** Existing records each device edits, and deletes, per second while offline (default 0). */
  editsPerSecond?: number;
  deletesPerSecond?: number;
  /** Repeat the online/offline cycle until `stop` aborts (`run --until-stopped`). */
  untilStopped?: boolean;
  /**
   * Stops the timeline where it is (Ctrl-C): the devices come online, drain, and are judged;
   * the report says it was interrupted.
   */
  stop?: AbortSignal;
  timeoutMs: number;
  /** Offline as "black hole" (accepts, never answers) instead of "connection refused". */
  blackhole: boolean;
  strategy: ConflictStrategy;
  /** The engine's page size, batch size and commits in flight (`--page-size` …); absent: defaults. */
  knobs?: SyncKnobs;
  decide?: DecideFn;
  faults: FaultModel;
  link: LinkFaults;
  deadlineMs: number;
  /** Seed an empty device with a default day of data first. */
  seedIfEmpty: boolean;
  /** Each device's process dies once at this point and is restarted from its durable state. */
  crashAt?: CrashPoint | null;
  /** The timeline, as a scenario file would hold it, before it runs (`run --save-scenario`). */
  onTimeline?: (scenario: ScenarioInput) => void;
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
  phases: {
    onlineForMs: number;
    offlineForMs: number;
    /** Time up, how long the timeline waited for a pass still running (stuck in a black hole). */
    waitedForPassesMs: number;
    drainMs: number;
    totalMs: number;
  };
  seeded: number;
  recordedOffline: number;
  /** Edits and deletes of existing records the devices made offline (each device's counted). */
  editedOffline: number;
  deletedOffline: number;
  /** Online/offline cycles started (more than one with --until-stopped). */
  cycles: number;
  /** Stopped before its timeline ended (Ctrl-C): the figures cover the run up to then. */
  interrupted: boolean;
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
  /** The independent checker's verdict after the drain (src/simulate/invariants.ts). */
  invariants: {
    holds: boolean;
    count: number;
    violations: Violation[];
    checked: { records: number; files: number };
  };
  /** Time from a record's creation to the server's acknowledgement, over records synced in this run. */
  ackLatencyMs: Latency;
}

export interface Latency {
  count: number;
  p50: number | null;
  p95: number | null;
}

/** How often devices look at their background schedule, and the interval `run` syncs at. */
const TICK_MS = 1000;

export async function runSimulation(options: RunOptions): Promise<RunReport> {
  const started = options.clock.now();
  const { userName, deviceNames } = runNames(options.userId, options.deviceIds);
  const slots = options.deviceIds.map(
    (deviceId, i) =>
      new DeviceSlot({
        dataDir: options.dataDir,
        userName,
        userId: options.userId,
        deviceId,
        name: deviceNames[i],
        projectId: options.projectId,
        firestore: options.firestore,
        storage: options.storage,
        seed: options.seed,
        sdk: options.sdk === undefined ? undefined : sdkOf(options.sdk, i),
        clock: options.clock,
        strategy: options.strategy,
        knobs: options.knobs,
        deadlineMs: options.deadlineMs,
        decide: options.decide,
        // A device keeps its own random streams (user/device) in every life, as `run` always had.
        randomScope: () => undefined,
      }),
  );
  const sim = new Simulation({
    seed: options.seed,
    clock: options.clock,
    slots,
    users: [{ name: userName, realId: options.userId }],
    writers: new OtherWriters({ ...options, label: 'run' }),
    backgroundMs: TICK_MS,
    together: true,
    backgroundBeside: true,
    readableIds: false,
  });
  const log = syncLog(sim, started);
  let phase: RunProgress['phase'] = 'seeding';
  let recording: (step: number) => boolean = () => false;
  const progress = (pending = 0) =>
    options.onProgress?.({
      phase,
      elapsedMs: options.clock.now() - started,
      recorded: offlineWrites(sim, recording, 'create').length,
      pending,
    });
  const interrupt = () => sim.interrupt();
  if (options.stop?.aborted) interrupt();
  options.stop?.addEventListener('abort', interrupt);
  let healed: HealResult = { rounds: 0, drained: false, ms: 0 };
  let report: RunReport | null = null;
  try {
    await sim.open();
    progress();
    const empty = options.seedIfEmpty ? await emptyDevices(slots) : [];
    const sdks = slots.map((slot) => slot.device.sdk);
    const timeline = runTimeline({ ...options, sdks }, empty, TICK_MS);
    options.onTimeline?.(timeline.scenario);
    const scenario = Scenario.parse(timeline.scenario) as ScenarioSpec;
    const { steps: endless, positionOf } = timelineSteps(
      scenario.steps,
      timeline.cycleStart,
      options.untilStopped === true,
    );
    recording = (step) =>
      timeline.recordingStep >= 0 && positionOf(step) === timeline.recordingStep;
    const steps: StepReport[] = [];
    const judge: Phase = {
      name: 'judge',
      async run() {
        phase = 'done';
        progress((await pendingOf(sim)).pending);
        report = await judgeRun(options, sim, log, {
          started,
          healed,
          recording,
          timeline,
          cycles: steps.filter((s) => positionOf(s.index) === timeline.cycleStart).length,
        });
      },
    };
    await runPhases(sim, [
      stepsPhase(endless, steps, (index) => {
        phase = timeline.phases[positionOf(index)];
        progress();
      }),
      {
        name: 'heal',
        async run() {
          phase = 'draining';
          // Stopped mid-timeline: the devices come back online (the timeline's last step) to drain.
          if (sim.interrupted) for (const slot of sim.slots) await sim.setMode(slot, 'online');
          healed = await heal(sim, drainPolicy(options.timeoutMs, TICK_MS), progress);
        },
      },
      judge,
    ]);
  } finally {
    options.stop?.removeEventListener('abort', interrupt);
    await sim.close();
  }
  return report!;
}

/** What `run` reports of the sync passes: per collection, and each conflict, error and crash. */
function syncLog(sim: Simulation, started: number) {
  const log = {
    totals: Object.fromEntries(
      DATA_TABLES.map((t) => [t, { pushed: 0, pulled: 0, conflicts: 0, failed: 0, durationMs: 0 }]),
    ) as Record<DataTable, Omit<CollectionReport, 'pending' | 'records' | 'ackLatencyMs'>>,
    conflicts: [] as ConflictReport[],
    errors: [] as RunReport['errors'],
    crashes: [] as RunReport['crashes'],
  };
  sim.observers.push((slot, outcome) => {
    const device = slot.options.deviceId;
    if (outcome.kind === 'crashed') {
      log.crashes.push({ device, point: outcome.point, atMs: sim.clock.now() - started });
      return;
    }
    for (const [table, stats] of Object.entries(outcome.result.collections)) {
      const t = log.totals[table as DataTable];
      t.pushed += stats.pushed;
      t.pulled += stats.pulled;
      t.conflicts += stats.conflicts.length;
      t.failed += stats.failed;
      t.durationMs += stats.durationMs;
    }
    log.conflicts.push(...outcome.result.conflicts);
    for (const error of outcome.result.errors) log.errors.push({ ...error, device });
  });
  return log;
}

/** Devices with no records yet: `run` seeds them with a default day. */
async function emptyDevices(slots: DeviceSlot[]): Promise<string[]> {
  const empty: string[] = [];
  for (const slot of slots) {
    const counts = await Promise.all(
      DATA_TABLES.map((t) => slot.device.opened.database.get(t).query().fetchCount()),
    );
    if (counts.every((n) => n === 0)) empty.push(slot.options.deviceId);
  }
  return empty;
}

/** Writes of one kind made by the offline recording steps, as device/table/id. */
function offlineWrites(
  sim: Simulation,
  recording: (step: number) => boolean,
  kind: 'create' | 'update' | 'delete',
) {
  return sim.ledger.writes.filter((w) => w.kind === kind && recording(w.step));
}

/** The judge phase of `run`: the independent checker, and the numbers of the report. */
async function judgeRun(
  options: RunOptions,
  sim: Simulation,
  log: ReturnType<typeof syncLog>,
  run: {
    started: number;
    healed: HealResult;
    recording: (step: number) => boolean;
    timeline: ReturnType<typeof runTimeline>;
    cycles: number;
  },
): Promise<RunReport> {
  const devices = sim.slots.map((s) => s.device);
  const lives = sim.slots.flatMap((s) => s.all());
  const invariants = await checkRun(options, sim);
  const recorded = offlineWrites(sim, run.recording, 'create');
  const latency = await ackLatencies(sim, recorded);
  const collections = {} as Record<DataTable, CollectionReport>;
  for (const table of DATA_TABLES) {
    let pending = 0;
    for (const d of devices)
      pending += await d.opened.database
        .get('sync_queue')
        .query(Q.where('collection', table))
        .fetchCount();
    collections[table] = {
      ...log.totals[table],
      pending,
      records: await devices[0].opened.database.get(table).query().fetchCount(),
      ackLatencyMs: latency.byTable[table],
    };
  }
  const { pending, parked } = await pendingOf(sim);
  return {
    seed: options.seed,
    user: options.userId,
    devices: options.deviceIds,
    strategy: options.strategy,
    phases: {
      onlineForMs: options.onlineForMs,
      offlineForMs: options.offlineForMs,
      waitedForPassesMs: sim.waitedForPassesMs,
      drainMs: run.healed.ms,
      totalMs: options.clock.now() - run.started,
    },
    seeded: sim.ledger.writes.filter((w) => run.timeline.seedSteps.includes(w.step)).length,
    recordedOffline: recorded.length,
    editedOffline: offlineWrites(sim, run.recording, 'update').length,
    deletedOffline: offlineWrites(sim, run.recording, 'delete').length,
    cycles: run.cycles,
    interrupted: sim.interrupted,
    passes: sim.totals.rounds,
    drained: run.healed.drained,
    pending,
    errorsParked: parked,
    collections,
    conflicts: log.conflicts,
    errors: log.errors,
    network: networkTotals(lives),
    faultsInjected: mergeCounts(lives.map((d) => d.injector.counts.injected)),
    acksLost: lives.reduce((sum, d) => sum + d.injector.counts.acksLost, 0),
    crashes: log.crashes,
    invariants,
    ackLatencyMs: latency.all,
  };
}

/** Reads every device and the emulators directly (not through the devices' proxies). */
async function checkRun(options: RunOptions, sim: Simulation): Promise<RunReport['invariants']> {
  const clients = createFirebaseClients(options, 'invariants');
  try {
    return await judgeDevices({
      userId: options.userId,
      devices: sim.slots.map((s) => ({
        deviceId: s.options.deviceId,
        databaseFile: s.device.folders.databaseFile!,
      })),
      firestore: clients.firestore,
      bucket: options.storage ? clients.bucket() : null,
    });
  } finally {
    await clients.close();
  }
}

function networkTotals(devices: SimulatedDevice[]) {
  const totals = { bytesUp: 0, bytesDown: 0, connections: 0, resets: 0 };
  for (const proxy of devices.flatMap((d) => d.proxies)) {
    totals.bytesUp += proxy.stats.bytesUp;
    totals.bytesDown += proxy.stats.bytesDown;
    totals.connections += proxy.stats.connections;
  }
  // A flaky link's resets are drawn per call on the virtual link (src/simulate/virtual-link.ts).
  for (const device of devices) totals.resets += device.link.counts.drops;
  return totals;
}

/**
 * Creation to server acknowledgement (synced_at − created_at, both on the device's clock) of the
 * records recorded offline, per collection and over all.
 */
async function ackLatencies(
  sim: Simulation,
  recorded: Array<{ device: string; table: DataTable; id: string }>,
): Promise<{ all: Latency; byTable: Record<DataTable, Latency> }> {
  const all: number[] = [];
  const byTable = {} as Record<DataTable, Latency>;
  for (const table of DATA_TABLES) {
    const latencies: number[] = [];
    for (const slot of sim.slots) {
      const ids = recorded
        .filter((r) => r.table === table && r.device === slot.key)
        .map((r) => r.id);
      for (const record of (await findByIds(slot.device.opened.database, table, ids)).values()) {
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
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95) };
}
