import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { VirtualClock } from '../core/clock';
import { type FleetSdk, type Sdk, sdkOf } from '../core/sdk';
import { RETENTION_TABLES } from '../files/storage-manager';
import { judgeScenario } from '../judge/judge-scenario';
import type { InvariantResult } from '../judge/verdict';
import type { FaultInjector } from '../simulate/fault-model';
import { freshStart } from '../simulate/fresh-start';
import { OtherWriters } from '../simulate/other-writer';
import { type LinkCounts, sumLinkCounts } from '../simulate/virtual-link';
import type { DefectName } from '../sync/defects';
import { judgeBatchedWrites } from './batched-writes';
import { describeStep } from './describe-step';
import { DeviceClock } from './device-clock';
import { engineKnobs, type KnobSpec, overlayStrategy } from './device-settings';
import { DeviceSlot } from './device-slot';
import type { ScenarioSpec } from './format';
import { type HealResult, SCENARIO_HEAL } from './heal';
import { devicesOf, runnerCounts, TimelineExpectations } from './observe-expectations';
import { healPhase, runPhases, type StepReport, stepsPhase } from './phases';
import { Simulation } from './simulation';
import type { OtherWriteReport } from './steps/write';

/**
 * Replays a scenario: real devices (WatermelonDB on SQLite, the real SyncManager, real
 * firebase-admin clients behind fault proxies) against the real emulators, on a virtual clock.
 * Steps run in order; between them, and while time advances, each online device runs the
 * app's background sync at its interval. At the end every device is healed (online, no faults,
 * the user taps Retry) and synced until nothing is pending; then the judge reads the state.
 * Each run has devices and a user of its own (a folder and an id tagged for the run).
 */
export interface ScenarioRunOptions {
  scenario: ScenarioSpec;
  file?: string | null;
  /** Overrides the scenario's own seed. */
  seed?: number;
  /** Overrides the scenario's `sdk` (devices that name their own keep it). */
  sdk?: FleetSdk;
  projectId: string;
  firestore: string;
  storage: string | null;
  /** Parent folder; the run's devices live in a folder of their own inside it. */
  dataDir: string;
  /** Keep the run's databases and the user's emulator data afterwards (for inspection). */
  keep?: boolean;
  onStep?: (index: number, label: string) => void;
  /** Test-only engine defects every device runs with (the defect zoo, src/sync/defects.ts). */
  defects?: ReadonlySet<DefectName>;
  /**
   * Runs after the heal, with every device closed, just before the judge reads the state. Tests
   * use it to damage the state on purpose and show the judge notices.
   */
  beforeJudge?: (state: {
    firestore: import('firebase-admin/firestore').Firestore;
    bucket: import('@google-cloud/storage').Bucket | null;
    users: Array<{ name: string; realId: string }>;
    databaseFiles: Record<string, string>;
    /** What each device asked of the wire over all its lives (the knobs show here). */
    wire: Record<string, FaultInjector['wire']>;
  }) => Promise<void>;
}

export type { StepReport };

/**
 * Where something happened: virtual time, and the step running then (its index; absent before the
 * steps and in the heal). Steps that move no time share one instant; the step tells them apart.
 */
export interface TimelinePoint {
  atMs: number;
  step?: number;
}

export interface TimelineEvent extends TimelinePoint {
  device: string;
  kind: 'conflict' | 'error' | 'crash' | 'cleanup' | 'clock';
  detail: string;
}

/** One device's sync pass, for the report's log: what it pushed and pulled, what it met. */
export interface TimelinePass extends TimelinePoint {
  device: string;
  detail: string;
}

export interface ScenarioReport {
  name: string;
  file: string | null;
  seed: number;
  passed: boolean;
  devices: string[];
  /** The SDK each device synced through. */
  sdks: Record<string, Sdk>;
  virtualMs: number;
  /**
   * Each device's own clock at the end, from the scenario's start: the scenario's time plus its
   * offset and drift, plus what it spent alone (retry backoff, deadlines in a black hole, link
   * latency), which moves only its clock.
   */
  deviceClocksMs?: Record<string, number>;
  wallMs: number;
  steps: StepReport[];
  timeline: {
    /** Queue lengths after each step, heal round and background round (one per step and instant). */
    samples: Array<TimelinePoint & { pending: Record<string, number> }>;
    offline: Array<{
      device: string;
      mode: string;
      fromMs: number;
      toMs: number;
      /** The steps that began and ended the window (absent: before the steps, or in the heal). */
      fromStep?: number;
      toStep?: number;
    }>;
    events: TimelineEvent[];
    /** Every device sync pass (absent in reports made before passes were logged). */
    passes?: TimelinePass[];
  };
  totals: {
    writes: number;
    /** Commits that reached the server, and the documents they wrote (all devices). */
    commits?: number;
    documentsWritten?: number;
    /** Server documents the pulls quarantined (malformed), and sync errors by code. */
    quarantined?: number;
    errorCodes?: Record<string, number>;
    acknowledged: number;
    passes: number;
    conflicts: number;
    syncErrors: number;
    crashes: number;
    acksLost: number;
    faultsInjected: Record<string, number>;
    /**
     * The virtual link's counts over every device's lives: calls failed by a black hole's
     * deadline, calls a flaky link dropped, and calls the real emulator did not answer within the
     * real safety bound (`emulatorStalls`: the machine, not the scenario; should be 0).
     */
    link?: LinkCounts;
    healRounds: number;
    drained: boolean;
    /**
     * Commits the devices' engines sent (answered or not; `commits` counts those the server
     * answered), and the most writes one carried (batched-writes).
     */
    commitsSent?: number;
    largestCommit?: number;
  };
  /** What each `write` step (another writer, not a device) did. */
  otherWrites: OtherWriteReport[];
  invariants: InvariantResult[];
  /** The defects injected into every device's engine (defect zoo); absent when none. */
  defects?: string[];
}

export async function runScenario(options: ScenarioRunOptions): Promise<ScenarioReport> {
  const scenario = options.scenario;
  const seed = options.seed ?? scenario.seed;
  const wallStart = Date.now();
  const runTag = crypto.randomBytes(4).toString('hex');
  const runDir = path.join(options.dataDir, 'scenarios', runTag);
  const timeline = new TimelineExpectations({
    projectId: options.projectId,
    firestore: options.firestore,
    runTag,
    wallStart,
    steps: scenario.steps,
    wallNow: Date.now,
  });
  const { sim, users } = scenarioSimulation(options, seed, runTag, runDir, timeline);
  const slots = sim.slots;
  const steps: StepReport[] = [];
  let healed: HealResult = { rounds: 0, drained: false, ms: 0 };
  let invariants: InvariantResult[] = [];

  try {
    await sim.open();
    await runPhases(sim, [
      stepsPhase(scenario.steps, steps, options.onStep),
      healPhase({ ...SCENARIO_HEAL, mayStayParked: expectedParked(scenario, sim) }, (result) => {
        healed = result;
      }),
      {
        name: 'judge',
        async run() {
          invariants = await judgeScenarioRun(options, sim, {
            users,
            steps,
            runTag,
            runDir,
            midTimeline: timeline.failures,
            wallMs: () => Date.now() - wallStart,
          });
          invariants.push(judgeBatchedWrites(slots));
        },
      },
    ]);
  } finally {
    await timeline.close();
    await sim.close();
    if (!options.keep) fs.rmSync(runDir, { recursive: true, force: true });
  }

  const devices = slots.flatMap((s) => s.all());
  return {
    name: scenario.name,
    file: options.file ?? null,
    seed,
    passed: invariants.every((i) => i.holds),
    devices: slots.map((s) => s.key),
    sdks: Object.fromEntries(slots.map((s) => [s.key, s.options.sdk ?? 'admin'])),
    virtualMs: sim.at(),
    deviceClocksMs: Object.fromEntries(
      slots.map((s) => [s.key, s.clock.now() - (sim.clock.now() - sim.at())]),
    ),
    wallMs: Date.now() - wallStart,
    steps,
    timeline: {
      samples: sim.samples,
      offline: sim.offline.sort((a, b) => a.fromMs - b.fromMs || a.device.localeCompare(b.device)),
      // Devices that sync together finish in whatever order the machine allows: listed by time
      // and device (stable within a device), so a seed gives the same report under any load.
      events: inReplayOrder(sim.events),
      passes: inReplayOrder(sim.passes),
    },
    totals: {
      writes: sim.ledger.writes.length,
      ...commitTotals(runnerCounts(sim, 0).writes),
      quarantined: sim.quarantined,
      errorCodes: { ...sim.errorCodes },
      acknowledged: sim.ledger.acknowledged,
      passes: sim.totals.passes,
      conflicts: sim.conflicts.length,
      syncErrors: sim.totals.syncErrors,
      crashes: sim.totals.crashes,
      acksLost: devices.reduce((n, d) => n + d.injector.counts.acksLost, 0),
      faultsInjected: mergeCounts(devices.map((d) => d.injector.counts.injected)),
      link: sumLinkCounts(devices.map((d) => d.link.counts)),
      healRounds: healed.rounds,
      drained: healed.drained,
      commitsSent: slots.reduce((n, s) => n + s.commitLog.commits, 0),
      largestCommit: Math.max(0, ...slots.map((s) => s.commitLog.largestCommit)),
    },
    otherWrites: sim.otherWrites,
    invariants,
    ...(options.defects && options.defects.size > 0 ? { defects: [...options.defects] } : {}),
  };
}

/**
 * A scenario's world: virtual time from the scenario's start, each device with its own clock
 * (offset, drift), in a folder of the run's own, for a user id tagged for the run; devices sync
 * one after another, so the same seed replays the same run.
 */
function scenarioSimulation(
  options: ScenarioRunOptions,
  seed: number,
  runTag: string,
  runDir: string,
  timeline: TimelineExpectations,
) {
  const scenario = options.scenario;
  const origin = Date.parse(scenario.start);
  const world = new VirtualClock(origin);
  const users = scenario.users.map((u) => ({
    name: u.id,
    realId: `${u.id}-${runTag}`,
    devices: u.devices.map((d) => (typeof d === 'string' ? { id: d } : d)),
  }));
  const slots: DeviceSlot[] = [];
  const fleet = options.sdk ?? scenario.sdk;
  for (const user of users)
    for (const d of user.devices)
      slots.push(
        new DeviceSlot({
          dataDir: runDir,
          userName: user.name,
          userId: user.realId,
          deviceId: d.id,
          projectId: options.projectId,
          firestore: options.firestore,
          storage: scenario.files ? options.storage : null,
          seed,
          clock: new DeviceClock(
            world,
            origin,
            'clockOffset' in d ? (d.clockOffset as number) : 0,
            'clockDriftPpm' in d ? (d.clockDriftPpm as number) : 0,
          ),
          strategy: overlayStrategy(scenario.strategy, 'strategy' in d ? d.strategy : undefined),
          knobs: engineKnobs(scenario, d as KnobSpec),
          sdk: ('sdk' in d && d.sdk) || sdkOf(fleet, slots.length),
          deadlineMs: scenario.deadline,
          askUserDefault: scenario.askUserDefault,
          defects: options.defects,
        }),
      );
  const sim = new Simulation({
    seed,
    clock: world,
    slots,
    users: users.map(({ name, realId }) => ({ name, realId })),
    writers: new OtherWriters({
      projectId: options.projectId,
      firestore: options.firestore,
      label: runTag,
    }),
    backgroundMs: scenario.background,
    together: false,
    readableIds: true,
    expectNow: (world, expect, index) => timeline.check(world, expect, index),
  });
  return { sim, users };
}

/**
 * The judge phase of a scenario: every device closed, the judge reads their SQLite files and the
 * emulators (after `beforeJudge`, for tests); then the run's emulator data is forgotten.
 */
async function judgeScenarioRun(
  options: ScenarioRunOptions,
  sim: Simulation,
  run: {
    users: Array<{ name: string; realId: string }>;
    steps: StepReport[];
    runTag: string;
    runDir: string;
    midTimeline: Array<{ label: string; detail: string; record: string | null }>;
    wallMs: () => number;
  },
): Promise<InvariantResult[]> {
  const { scenario } = options;
  const { users, steps, runTag, runDir } = run;
  const wallMs = run.wallMs();
  const slots = sim.slots;
  const label = (index: number) => describeStep(scenario.steps[index], index);
  for (const slot of slots) await slot.device.close();
  const clients = createFirebaseClients(
    { projectId: options.projectId, firestore: options.firestore, storage: options.storage },
    `judge-${runTag}`,
  );
  try {
    await options.beforeJudge?.({
      firestore: clients.firestore,
      bucket: scenario.files && options.storage ? clients.bucket() : null,
      users: users.map(({ name, realId }) => ({ name, realId })),
      databaseFiles: Object.fromEntries(slots.map((s) => [s.key, s.device.folders.databaseFile!])),
      wire: Object.fromEntries(slots.map((s) => [s.key, wireOf(s)])),
    });
    const invariants = await judgeScenario({
      users: users.map((u) => ({
        name: u.name,
        realId: u.realId,
        devices: slots
          .filter((s) => s.options.userName === u.name)
          .map((s) => ({ key: s.key, view: s.reader.view(mayLackAfterCleanup(s)) })),
      })),
      firestore: clients.firestore,
      bucket: scenario.files && options.storage ? clients.bucket() : null,
      ledger: sim.ledger,
      conflicts: sim.conflicts,
      crashes: sim.totals.crashes,
      expect: scenario.expect,
      counts: runnerCounts(sim, wallMs),
      devicesOf: devicesOf(sim),
      midTimeline: run.midTimeline,
      failedWrites: sim.otherWrites
        .filter((w) => w.error !== null)
        .map((w) => ({ label: label(w.step), note: w.error! })),
      skipped: scenario.skipInapplicableSteps
        ? []
        : steps
            .filter((s) => s.status === 'skipped')
            .map((s) => ({ label: s.label, note: s.note ?? '' })),
      stepLabel: label,
    });
    if (!options.keep)
      for (const user of users)
        await freshStart({
          dataDir: runDir,
          userId: user.realId,
          deviceIds: [],
          projectId: options.projectId,
          firestore: options.firestore,
          storage: scenario.files ? options.storage : null,
        });
    return invariants;
  } finally {
    await clients.close();
  }
}

/**
 * The heal leaves a parked record alone when the scenario's final expectations name it parked
 * on that device (and it failed permanently after the heal's Retry: src/scenario/heal.ts).
 */
function expectedParked(scenario: ScenarioSpec, sim: Simulation) {
  const devices = devicesOf(sim);
  return (slot: DeviceSlot, row: { table: string; id: string }) =>
    (scenario.expect.parked ?? []).some(
      (p) => p.collection === row.table && p.id === row.id && devices(p.device)[0] === slot.key,
    );
}

function commitTotals(writes: Map<string, { commits: number; documents: number }>) {
  let commits = 0;
  let documentsWritten = 0;
  for (const w of writes.values()) {
    commits += w.commits;
    documentsWritten += w.documents;
  }
  return { commits, documentsWritten };
}

/** After a retention cleanup, a device may lack the old sensor records it removed. */
function mayLackAfterCleanup(slot: DeviceSlot) {
  return (table: string, _id: string, server: Record<string, unknown>) => {
    const cutoff = Math.max(...slot.cleanupCutoffs);
    return (
      (RETENTION_TABLES as readonly string[]).includes(table) &&
      typeof server.created_at === 'number' &&
      server.created_at < cutoff
    );
  };
}

export function mergeCounts(counts: Array<Record<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const c of counts) for (const [k, v] of Object.entries(c)) merged[k] = (merged[k] ?? 0) + v;
  return merged;
}

function wireOf(slot: DeviceSlot): FaultInjector['wire'] {
  const total = { pulls: 0, largestPageLimit: 0, commits: 0, largestCommit: 0 };
  for (const device of slot.all()) {
    const w = device.injector.wire;
    total.pulls += w.pulls;
    total.commits += w.commits;
    total.largestPageLimit = Math.max(total.largestPageLimit, w.largestPageLimit);
    total.largestCommit = Math.max(total.largestCommit, w.largestCommit);
  }
  return total;
}

function inReplayOrder<T extends { atMs: number; device: string; step?: number }>(items: T[]): T[] {
  return [...items].sort(
    (a, b) =>
      a.atMs - b.atMs || (a.step ?? -1) - (b.step ?? -1) || a.device.localeCompare(b.device),
  );
}
