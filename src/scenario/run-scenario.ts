import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { VirtualClock } from '../core/clock';
import { forkRandom } from '../core/random';
import type { DataTable } from '../db/schema-current';
import { RETENTION_TABLES, StorageManager } from '../files/storage-manager';
import { LOCAL_ONLY } from '../judge/columns';
import type { JudgedConflict } from '../judge/conflict-outcomes';
import { judgeScenario } from '../judge/judge-scenario';
import { Ledger } from '../judge/ledger';
import type { InvariantResult } from '../judge/verdict';
import { NO_FAULTS } from '../simulate/fault-model';
import { HEALTHY_LINK } from '../simulate/fault-proxy';
import { freshStart } from '../simulate/fresh-start';
import { OtherWriters } from '../simulate/other-writer';
import { pickWeighted, RECORDING_MIX } from '../simulate/run-simulation';
import { shouldRunBackgroundSync } from '../sync/background-scheduler';
import { describeStep } from './describe-step';
import { DeviceSlot } from './device-slot';
import type { ScenarioSpec, StepSpec } from './schema';
import { resolveTargets } from './targets';
import { type OtherWriteReport, runWriteStep } from './write-step';

/**
 * Replays a scenario: real devices (WatermelonDB on SQLite, the real SyncManager, real
 * firebase-admin clients behind fault proxies) against the real emulators, on a virtual clock.
 * Steps run in order; between them, and while time advances, each online device runs the
 * app's background sync at its interval. At the end every device is healed (online, no faults,
 * the user taps Retry) and synced until nothing is pending; then the judge reads the state.
 */
export interface ScenarioRunOptions {
  scenario: ScenarioSpec;
  file?: string | null;
  /** Overrides the scenario's own seed. */
  seed?: number;
  projectId: string;
  firestore: string;
  storage: string | null;
  /** Parent folder; the run's devices live in a folder of their own inside it. */
  dataDir: string;
  /** Keep the run's databases and the user's emulator data afterwards (for inspection). */
  keep?: boolean;
  onStep?: (index: number, label: string) => void;
  /**
   * Runs after the heal, with every device closed, just before the judge reads the state. Tests
   * use it to damage the state on purpose and show the judge notices.
   */
  beforeJudge?: (state: {
    firestore: import('firebase-admin/firestore').Firestore;
    bucket: import('@google-cloud/storage').Bucket | null;
    users: Array<{ name: string; realId: string }>;
    databaseFiles: Record<string, string>;
  }) => Promise<void>;
}

export interface StepReport {
  index: number;
  label: string;
  atMs: number;
  status: 'ok' | 'skipped';
  note?: string;
}

export interface TimelineEvent {
  atMs: number;
  device: string;
  kind: 'conflict' | 'error' | 'crash' | 'cleanup';
  detail: string;
}

export interface ScenarioReport {
  name: string;
  file: string | null;
  seed: number;
  passed: boolean;
  devices: string[];
  virtualMs: number;
  wallMs: number;
  steps: StepReport[];
  timeline: {
    samples: Array<{ atMs: number; pending: Record<string, number> }>;
    offline: Array<{ device: string; mode: string; fromMs: number; toMs: number }>;
    events: TimelineEvent[];
  };
  totals: {
    writes: number;
    acknowledged: number;
    passes: number;
    conflicts: number;
    syncErrors: number;
    crashes: number;
    acksLost: number;
    faultsInjected: Record<string, number>;
    healRounds: number;
    drained: boolean;
  };
  /** What each `write` step (another writer, not a device) did. */
  otherWrites: OtherWriteReport[];
  invariants: InvariantResult[];
}

const HEAL_ROUNDS = 30;
const HEAL_STEP_MS = 60_000;

export async function runScenario(options: ScenarioRunOptions): Promise<ScenarioReport> {
  const scenario = options.scenario;
  const seed = options.seed ?? scenario.seed;
  const wallStart = Date.now();
  const origin = Date.parse(scenario.start);
  const world = new VirtualClock(origin);
  const at = () => world.now() - origin;
  const runTag = crypto.randomBytes(4).toString('hex');
  const runDir = path.join(options.dataDir, 'scenarios', runTag);
  const ledger = new Ledger();
  const steps: StepReport[] = [];
  const events: TimelineEvent[] = [];
  const samples: ScenarioReport['timeline']['samples'] = [];
  const offline: ScenarioReport['timeline']['offline'] = [];
  const openWindows = new Map<string, { mode: string; fromMs: number }>();
  const conflicts: JudgedConflict[] = [];
  const totals = { passes: 0, syncErrors: 0, crashes: 0 };
  const users = scenario.users.map((u) => ({
    name: u.id,
    realId: `${u.id}-${runTag}`,
    devices: u.devices.map((d) => (typeof d === 'string' ? { id: d } : d)),
  }));
  const slots: DeviceSlot[] = [];
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
          world,
          origin,
          clockOffsetMs: 'clockOffset' in d ? (d.clockOffset as number) : 0,
          clockDriftPpm: 'clockDriftPpm' in d ? (d.clockDriftPpm as number) : 0,
          strategy: ('strategy' in d && d.strategy) || scenario.strategy,
          deadlineMs: scenario.deadline,
          askUserDefault: scenario.askUserDefault,
        }),
      );
  const byKey = new Map(slots.map((s) => [s.key, s]));
  const writers = new OtherWriters({
    projectId: options.projectId,
    firestore: options.firestore,
    label: runTag,
  });
  const otherWrites: OtherWriteReport[] = [];
  /** Writes started without waiting (`wait: false`): all awaited before the heal. */
  const inFlight: Array<Promise<void>> = [];
  const targets = (ref: string | string[]) => resolveTargets(ref, slots).map((k) => byKey.get(k)!);
  const label = (index: number) => describeStep(scenario.steps[index], index);

  const sample = () => {
    const pending: Record<string, number> = {};
    for (const slot of slots) pending[slot.key] = slot.reader.queuedCount();
    const last = samples[samples.length - 1];
    if (last && last.atMs === at()) last.pending = pending;
    else samples.push({ atMs: at(), pending });
  };
  const setMode = async (slot: DeviceSlot, mode: 'online' | 'refuse' | 'blackhole') => {
    const open = openWindows.get(slot.key);
    if (open && open.mode !== mode) {
      offline.push({ device: slot.key, mode: open.mode, fromMs: open.fromMs, toMs: at() });
      openWindows.delete(slot.key);
    }
    if (mode !== 'online' && !openWindows.has(slot.key))
      openWindows.set(slot.key, { mode, fromMs: at() });
    await slot.setMode(mode);
  };

  const syncSlot = async (slot: DeviceSlot) => {
    const outcome = await slot.sync();
    totals.passes += 1;
    if (outcome.kind === 'crashed') {
      totals.crashes += 1;
      events.push({
        atMs: at(),
        device: slot.key,
        kind: 'crash',
        detail: `died at ${outcome.point}; restarted`,
      });
    } else {
      for (const c of outcome.result.conflicts) {
        const answer = outcome.answers.find((a) => a.table === c.collection && a.id === c.id);
        conflicts.push({
          ...c,
          device: slot.key,
          configured: outcome.strategy,
          answered: answer?.decision ?? undefined,
        });
        events.push({
          atMs: at(),
          device: slot.key,
          kind: 'conflict',
          detail: `${c.collection}/${c.id}: ${c.outcome} (${c.strategy}${c.decision ? `, ${c.decision}` : ''})`,
        });
      }
      for (const e of outcome.result.errors) {
        totals.syncErrors += 1;
        events.push({
          atMs: at(),
          device: slot.key,
          kind: 'error',
          detail:
            `${e.collection ?? ''}${e.documentId ? `/${e.documentId}` : ''} ${e.error}`.trim(),
        });
      }
    }
    ledger.nextRound();
    ledger.observe(slot.key, slot.reader);
  };

  const backgroundRound = async () => {
    if (scenario.background <= 0) return;
    let ran = false;
    for (const slot of slots) {
      const now = slot.clock.now();
      const decision = shouldRunBackgroundSync({
        now,
        lastRunAt: slot.lastBackgroundAt,
        minimumIntervalMs: scenario.background,
        online: slot.device.network.isOnline(),
        batteryLow: false,
      });
      if (!decision.run) continue;
      slot.lastBackgroundAt = now;
      await syncSlot(slot);
      ran = true;
    }
    if (ran) sample();
  };

  /** Moves virtual time forward a minute at a time, running background sync as it goes. */
  const passTime = async (ms: number, onTick?: (elapsed: number) => Promise<void>) => {
    const start = world.now();
    const end = start + ms;
    const tick = Math.min(60_000, scenario.background > 0 ? scenario.background : 60_000);
    while (world.now() < end) {
      world.advance(Math.min(tick, end - world.now()));
      await onTick?.(world.now() - start);
      await backgroundRound();
    }
  };

  const recordWrite = (
    slot: DeviceSlot,
    step: number,
    table: DataTable,
    id: string,
    kind: 'create' | 'update' | 'delete',
    fields: Record<string, unknown>,
  ) => ledger.add({ step, user: slot.options.userName, device: slot.key, table, id, kind, fields });

  const created = (slot: DeviceSlot, step: number, table: DataTable, ids: string[]) => {
    for (const id of ids) {
      const row = slot.reader.row(table, id) ?? {};
      const fields: Record<string, unknown> = {};
      for (const [column, value] of Object.entries(row))
        if (!LOCAL_ONLY.has(column)) fields[column] = value;
      recordWrite(slot, step, table, id, 'create', fields);
    }
  };

  const generate = async (
    slot: DeviceSlot,
    step: number,
    table: DataTable | undefined,
    count: number,
    first: number,
    random: () => number,
  ) => {
    const rows = new Map<DataTable, Array<Record<string, unknown>>>();
    for (let n = 0; n < count; n += 1) {
      const t = table ?? pickWeighted(RECORDING_MIX, random());
      const values = await slot.device.generator.record(t, slot.clock.now());
      rows.set(t, [
        ...(rows.get(t) ?? []),
        {
          ...values,
          id: `g${step + 1}-${slot.options.userName}-${slot.options.deviceId}-${first + n}`,
        },
      ]);
    }
    for (const [t, batch] of rows) {
      const ids = await slot.device.sync.store.create(t, batch as never);
      created(slot, step, t, ids);
    }
  };

  const run = async (step: StepSpec, index: number): Promise<string | undefined> => {
    if ('create' in step) {
      const { device, collection, id, fields } = step.create;
      const slot = targets(device)[0];
      if (slot.reader.row(collection, id))
        return `skipped: ${collection}/${id} already exists on ${slot.key}`;
      const values = {
        ...(await slot.device.generator.record(collection, slot.clock.now())),
        ...fields,
        id,
      };
      const ids = await slot.device.sync.store.create(collection, [values as never]);
      created(slot, index, collection, ids);
      return;
    }
    if ('update' in step) {
      const { device, collection, id, fields, during } = step.update;
      const slot = targets(device)[0];
      if (!slot.reader.row(collection, id))
        return `skipped: ${collection}/${id} is not on ${slot.key}`;
      const edit = async () => {
        await slot.device.sync.store.update(collection, id, fields as never);
        recordWrite(slot, index, collection, id, 'update', fields);
      };
      if (during !== 'push') return void (await edit());
      let edited = false;
      slot.device.injector.duringNextPush(collection, async () => {
        edited = true;
        await edit();
      });
      await syncSlot(slot);
      slot.device.injector.duringNextPush(collection, null);
      if (!edited) {
        await edit();
        return 'no push was in flight; edited after the pass';
      }
      return;
    }
    if ('delete' in step) {
      const { device, collection, id } = step.delete;
      const slot = targets(device)[0];
      if (!slot.reader.row(collection, id))
        return `skipped: ${collection}/${id} is not on ${slot.key}`;
      await slot.device.sync.store.delete(collection, [id]);
      recordWrite(slot, index, collection, id, 'delete', {});
      return;
    }
    if ('generate' in step) {
      const { device, count, rate, collection } = step.generate;
      const chosen = targets(device);
      const random = forkRandom(seed, `generate/${index}`);
      if (!rate) {
        for (const slot of chosen) await generate(slot, index, collection, count, 0, random);
        return;
      }
      let made = 0;
      await passTime(Math.ceil(count / rate), async (elapsed) => {
        const due = Math.min(count, Math.floor(elapsed * rate));
        if (due > made) {
          for (const slot of chosen)
            await generate(slot, index, collection, due - made, made, random);
          made = due;
        }
      });
      if (made < count)
        for (const slot of chosen)
          await generate(slot, index, collection, count - made, made, random);
      return;
    }
    if ('offline' in step) {
      for (const slot of targets(step.offline.device)) await setMode(slot, step.offline.mode);
      return;
    }
    if ('online' in step) {
      for (const slot of targets(step.online.device)) await setMode(slot, 'online');
      return;
    }
    if ('flaky' in step) {
      const f = step.flaky;
      for (const slot of targets(f.device)) {
        slot.setLink({
          latencyMs: f.latency,
          jitterMs: f.jitter,
          bytesPerSecond: f.bytesPerSecond,
          dropRate: f.dropRate,
        });
        await setMode(slot, 'online');
      }
      return;
    }
    if ('faults' in step) {
      const f = step.faults;
      const failRate =
        typeof f.failRate === 'number'
          ? { pull: f.failRate, push: f.failRate, upload: f.failRate }
          : f.failRate;
      for (const slot of targets(f.device))
        slot.setFaults({ failRate, kinds: f.kinds, ackLostRate: f.ackLostRate });
      return;
    }
    if ('crash' in step) {
      for (const slot of targets(step.crash.device)) slot.device.injector.arm(step.crash.at);
      return;
    }
    if ('restart' in step) {
      for (const slot of targets(step.restart.device)) await slot.restart();
      return;
    }
    if ('sync' in step) {
      for (const slot of targets(step.sync.device)) await syncSlot(slot);
      return;
    }
    if ('advance' in step) {
      await passTime(step.advance);
      return;
    }
    if ('strategy' in step) {
      for (const slot of targets(step.strategy.device)) slot.setStrategy(step.strategy.use);
      return;
    }
    if ('answer' in step) {
      for (const slot of targets(step.answer.device)) slot.answers.push(...step.answer.with);
      return;
    }
    if ('write' in step) {
      const w = step.write;
      const user = users.find((u) => u.name === (w.user ?? users[0].name))!;
      return runWriteStep({
        spec: w,
        index,
        seed,
        user: { name: user.name, realId: user.realId },
        writers,
        ledger,
        now: () => world.now(),
        at,
        passTime,
        reports: otherWrites,
        inFlight,
      });
    }
    if ('cleanup' in step) {
      for (const slot of targets(step.cleanup.device)) {
        const manager = new StorageManager(
          slot.device.opened.database,
          slot.device.folders,
          slot.clock,
        );
        const result = await manager.clearOldData(step.cleanup.olderThan / 86_400_000);
        slot.cleanupCutoffs.push(result.cutoff);
        events.push({
          atMs: at(),
          device: slot.key,
          kind: 'cleanup',
          detail: `retention removed ${result.deletedCount} record(s)`,
        });
      }
      return;
    }
  };

  let invariants: InvariantResult[] = [];
  let healRounds = 0;
  let drained = false;
  try {
    for (const slot of slots) await slot.open();
    sample();
    for (const [index, step] of scenario.steps.entries()) {
      options.onStep?.(index, label(index));
      const atMs = at();
      const note = await run(step, index);
      steps.push({
        index,
        label: label(index),
        atMs,
        status: note?.startsWith('skipped') ? 'skipped' : 'ok',
        ...(note ? { note } : {}),
      });
      sample();
    }

    // Another writer's commits still in flight land first: the heal and the judge see them.
    await Promise.all(inFlight);

    // The heal: everything online and healthy, the user taps Retry on parked errors, then sync
    // until nothing is pending anywhere, and once more so every device has pulled the last push.
    // A crash still armed stays armed: the app dies in its next sync, here, and restarts.
    for (const slot of slots) {
      await setMode(slot, 'online');
      slot.setLink(HEALTHY_LINK);
      slot.setFaults(NO_FAULTS);
      await slot.device.sync.retryErrors();
    }
    // Done after two clean rounds in a row (no crash, every queue empty at the end): the second
    // one lets every device pull what the others pushed in the first. (A device that dies in a
    // pass has not finished it: found by the fuzzer, seed 20261125 run 47.)
    let cleanBefore = false;
    while (healRounds < HEAL_ROUNDS) {
      healRounds += 1;
      world.advance(HEAL_STEP_MS);
      const crashesBefore = totals.crashes;
      for (const slot of slots) await syncSlot(slot);
      sample();
      const clean =
        totals.crashes === crashesBefore && slots.every((s) => s.reader.queuedCount() === 0);
      if (clean && cleanBefore) {
        drained = true;
        break;
      }
      cleanBefore = clean;
    }
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
        databaseFiles: Object.fromEntries(
          slots.map((s) => [s.key, s.device.folders.databaseFile!]),
        ),
      });
      invariants = await judgeScenario({
        users: users.map((u) => ({
          name: u.name,
          realId: u.realId,
          devices: slots
            .filter((s) => s.options.userName === u.name)
            .map((s) => ({
              key: s.key,
              view: s.reader.view((table, _id, server) => {
                const cutoff = Math.max(...s.cleanupCutoffs);
                return (
                  (RETENTION_TABLES as readonly string[]).includes(table) &&
                  typeof server.created_at === 'number' &&
                  server.created_at < cutoff
                );
              }),
            })),
        })),
        firestore: clients.firestore,
        bucket: scenario.files && options.storage ? clients.bucket() : null,
        ledger,
        conflicts,
        crashes: totals.crashes,
        expect: scenario.expect,
        failedWrites: otherWrites
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
    } finally {
      await clients.close();
    }
  } finally {
    for (const [device, open] of openWindows)
      offline.push({ device, mode: open.mode, fromMs: open.fromMs, toMs: at() });
    await Promise.allSettled(inFlight);
    await Promise.allSettled([...slots.map((s) => s.close()), writers.close()]);
    if (!options.keep) fs.rmSync(runDir, { recursive: true, force: true });
  }

  const devices = slots.flatMap((s) => s.all());
  const faultsInjected: Record<string, number> = {};
  for (const d of devices)
    for (const [k, v] of Object.entries(d.injector.counts.injected))
      faultsInjected[k] = (faultsInjected[k] ?? 0) + v;
  return {
    name: scenario.name,
    file: options.file ?? null,
    seed,
    passed: invariants.every((i) => i.holds),
    devices: slots.map((s) => s.key),
    virtualMs: at(),
    wallMs: Date.now() - wallStart,
    steps,
    timeline: {
      samples,
      offline: offline.sort((a, b) => a.fromMs - b.fromMs || a.device.localeCompare(b.device)),
      events,
    },
    totals: {
      writes: ledger.writes.length,
      acknowledged: ledger.acknowledged,
      passes: totals.passes,
      conflicts: conflicts.length,
      syncErrors: totals.syncErrors,
      crashes: totals.crashes,
      acksLost: devices.reduce((n, d) => n + d.injector.counts.acksLost, 0),
      faultsInjected,
      healRounds,
      drained,
    },
    otherWrites,
    invariants,
  };
}
