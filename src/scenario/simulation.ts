import type { Clock } from '../core/clock';
import type { DataTable } from '../db/schema-current';
import { LOCAL_ONLY } from '../judge/columns';
import type { JudgedConflict } from '../judge/conflict-outcomes';
import type { Expectations } from '../judge/expectations';
import { Ledger } from '../judge/ledger';
import type { NetworkMode } from '../simulate/fault-proxy';
import type { OtherWriters } from '../simulate/other-writer';
import { BackgroundScheduler } from '../sync/background-scheduler';
import { describePass } from './describe-pass';
import { resolveDeviceRefs } from './device-refs';
import { strategyFor } from './device-settings';
import type { DeviceSlot, SyncOutcome } from './device-slot';
import type { ScenarioReport, TimelineEvent, TimelinePass, TimelinePoint } from './run-scenario';
import type { StepWorld } from './steps/step-kind';
import type { OtherWriteReport } from './steps/write';

/**
 * The simulated world every phase acts on: its clock, its devices (each a `DeviceSlot`, one life
 * after another), the ledger of what they wrote, the app's background sync on each device, and
 * what was seen along the way (passes, crashes, conflicts, errors, offline windows, samples).
 * Scenarios and `run` build one each; the steps and the heal move it forward, the judge reads it.
 */
export interface SimulationOptions {
  seed: number;
  /** The world's time: virtual for a scenario (sleeping moves it), real for `run`. */
  clock: Clock;
  slots: DeviceSlot[];
  users: Array<{ name: string; realId: string }>;
  writers: OtherWriters;
  /** The app's background sync interval on each device's clock; 0: none. */
  backgroundMs: number;
  /** Several devices sync one after another (a scenario: reproducible) or together (`run`). */
  together: boolean;
  /**
   * Background passes run beside the time passing instead of in its way (`run`, on the real
   * clock): a pass stuck on a black hole's deadline must not stop the user recording, as it does
   * not on a phone. On a virtual clock each tick's round is awaited, so a scenario replays the same.
   */
  backgroundBeside?: boolean;
  readableIds: boolean;
  /**
   * Checks a mid-timeline `expect` step (a scenario's runner gives one; `run` has no such steps).
   * Returns the step's note.
   */
  expectNow?: (sim: Simulation, expect: Expectations, index: number) => Promise<string | undefined>;
}

export type SyncObserver = (slot: DeviceSlot, outcome: SyncOutcome, atMs: number) => void;

export class Simulation implements StepWorld {
  readonly seed: number;
  readonly clock: Clock;
  readonly slots: DeviceSlot[];
  readonly users: Array<{ name: string; realId: string }>;
  readonly writers: OtherWriters;
  readonly readableIds: boolean;
  readonly ledger = new Ledger();
  readonly otherWrites: OtherWriteReport[] = [];
  readonly inFlight: Array<Promise<void>> = [];
  /** With background passes beside the time: how long steps waited, their time up, for a pass. */
  waitedForPassesMs = 0;
  readonly events: TimelineEvent[] = [];
  readonly conflicts: JudgedConflict[] = [];
  readonly passes: TimelinePass[] = [];
  readonly samples: ScenarioReport['timeline']['samples'] = [];
  readonly offline: ScenarioReport['timeline']['offline'] = [];
  /**
   * The step running now (set by the steps phase; null before and after it): what is recorded
   * carries it, so steps that share one virtual instant stay apart in the report.
   */
  currentStep: number | null = null;
  /** Device sync passes, crashes among them, sync errors met; rounds of several devices. */
  readonly totals = { passes: 0, crashes: 0, syncErrors: 0, rounds: 0, unfinished: 0 };
  /** Sync errors by code, and how many of them were quarantined server documents. */
  readonly errorCodes: Record<string, number> = {};
  quarantined = 0;
  /** Set by `interrupt()`: the steps phase ends early. */
  interrupted = false;
  readonly observers: SyncObserver[] = [];
  private readonly origin: number;
  private readonly byKey: Map<string, DeviceSlot>;
  private readonly openWindows = new Map<
    string,
    { mode: string; fromMs: number; fromStep?: number }
  >();
  private readonly background = new Map<DeviceSlot, BackgroundScheduler>();

  constructor(private readonly options: SimulationOptions) {
    this.seed = options.seed;
    this.clock = options.clock;
    this.slots = options.slots;
    this.users = options.users;
    this.writers = options.writers;
    this.readableIds = options.readableIds;
    this.origin = options.clock.now();
    this.byKey = new Map(this.slots.map((s) => [s.key, s]));
    if (options.backgroundMs > 0)
      for (const slot of this.slots)
        this.background.set(
          slot,
          new BackgroundScheduler({
            clock: slot.clock,
            constraints: {
              isOnline: () => slot.device.network.isOnline(),
              isBatteryLow: () => false,
            },
            task: () => this.syncOne(slot),
            minimumIntervalMs: options.backgroundMs,
            checkEveryMs: this.tickMs,
          }),
        );
  }

  /** How far time moves between looks at the background schedules. */
  get tickMs(): number {
    const interval = this.options.backgroundMs;
    return Math.min(60_000, interval > 0 ? interval : 60_000);
  }

  now(): number {
    return this.clock.now();
  }

  /** Time since the start of the simulation. */
  at(): number {
    return this.clock.now() - this.origin;
  }

  slotsFor(ref: string | string[]): DeviceSlot[] {
    return resolveSlots(ref, this.slots, this.byKey);
  }

  async open(): Promise<void> {
    for (const slot of this.slots) await slot.open();
    this.sample();
  }

  /** Network mode of one device; offline windows are kept for the report's timeline. */
  async setMode(
    slot: DeviceSlot,
    mode: NetworkMode,
    options: { cut?: boolean } = {},
  ): Promise<void> {
    const open = this.openWindows.get(slot.key);
    if (open && open.mode !== mode) {
      this.offline.push({ device: slot.key, ...open, toMs: this.at(), ...this.stepTag('toStep') });
      this.openWindows.delete(slot.key);
    }
    if (mode !== 'online' && !this.openWindows.has(slot.key))
      this.openWindows.set(slot.key, { mode, fromMs: this.at(), ...this.stepTag('fromStep') });
    await slot.setMode(mode, options);
  }

  /** One sync pass of these devices: one after another, or together (one round). */
  async sync(slots: DeviceSlot[]): Promise<void> {
    if (!this.options.together) {
      for (const slot of slots) await this.syncOne(slot);
      return;
    }
    this.totals.rounds += 1;
    await Promise.all(slots.map((slot) => this.syncOne(slot)));
  }

  /** One device's pass: a crash restarts it; what the pass met is written down. */
  async syncOne(slot: DeviceSlot): Promise<void> {
    const outcome = await slot.sync();
    this.totals.passes += 1;
    this.passes.push({
      ...this.point(),
      device: slot.key,
      detail:
        outcome.kind === 'crashed' ? `crashed at ${outcome.point}` : describePass(outcome.result),
    });
    if (outcome.kind === 'crashed') {
      this.totals.crashes += 1;
      this.ledger.crashed(slot.key);
      this.event(slot, 'crash', `died at ${outcome.point}; restarted`);
    } else {
      for (const c of outcome.result.conflicts) {
        const answer = outcome.answers.find((a) => a.table === c.collection && a.id === c.id);
        this.conflicts.push({
          ...c,
          device: slot.key,
          // The strategy set for this conflict's collection (a setting may name one per collection).
          configured: strategyFor(outcome.strategy, c.collection),
          answered: answer?.decision ?? undefined,
        });
        this.event(
          slot,
          'conflict',
          `${c.collection}/${c.id}: ${c.outcome} (${c.strategy}${c.decision ? `, ${c.decision}` : ''})`,
        );
      }
      // A call that failed as a whole (a pull page, a commit, the progress report) left the pass
      // unfinished: the device may not hold what the server has, whatever its queue says.
      if (outcome.result.errors.some((e) => e.documentId === null)) this.totals.unfinished += 1;
      for (const e of outcome.result.errors) {
        this.totals.syncErrors += 1;
        this.errorCodes[e.code] = (this.errorCodes[e.code] ?? 0) + 1;
        if (e.kind === 'quarantined') this.quarantined += 1;
        this.event(
          slot,
          'error',
          `${e.collection ?? ''}${e.documentId ? `/${e.documentId}` : ''} ${e.error}`.trim(),
        );
      }
    }
    for (const observe of this.observers) observe(slot, outcome, this.at());
    this.ledger.nextRound();
    this.ledger.observe(slot.key, slot.reader);
  }

  /** The app's background sync: each device whose schedule is due runs a pass. */
  async backgroundRound(): Promise<void> {
    if (this.background.size === 0) return;
    const due = async (slot: DeviceSlot) => {
      const tick = await this.background.get(slot)!.tick();
      // The scheduler keeps going after a failed task, as the app does; here a pass that
      // throws is a broken contract of the simulation, and ends the run.
      if (tick.reason === 'task failed') throw tick.error;
      return tick.ran;
    };
    let ran = false;
    if (this.options.together) {
      const results = await Promise.all(this.slots.map(due));
      ran = results.some(Boolean);
      if (ran) this.totals.rounds += 1;
    } else for (const slot of this.slots) ran = (await due(slot)) || ran;
    if (ran) this.sample();
  }

  /** Moves time forward a tick at a time, running background sync as it goes. */
  async passTime(ms: number, onTick?: (elapsed: number) => Promise<void>): Promise<boolean> {
    const start = this.clock.now();
    const end = start + ms;
    if (this.options.backgroundBeside) return this.passTimeBeside(start, end, onTick);
    while (this.clock.now() < end) {
      if (this.interrupted) return false;
      await this.clock.sleep(Math.min(this.tickMs, end - this.clock.now()));
      await onTick?.(this.clock.now() - start);
      await this.backgroundRound();
    }
    return true;
  }

  /**
   * passTime with the background round beside the ticks: at most one round at a time (the app's
   * scheduler does not start a pass while one runs; a tick that finds one running skips), and the
   * one still running when the time is up is waited for, so the next step starts on a quiet world.
   */
  private async passTimeBeside(
    start: number,
    end: number,
    onTick?: (elapsed: number) => Promise<void>,
  ): Promise<boolean> {
    let round: Promise<void> | null = null;
    let failure: { error: unknown } | null = null;
    let whole = true;
    // Ends after a tick that saw the whole time pass, not when the clock says it has: on the real
    // clock a slow tick (a busy machine) can carry the time past the end, and the work due by
    // the end (`generate`, `churn` at their rates) would then never be done.
    let seen = 0;
    try {
      while (seen < end - start) {
        if (this.interrupted) {
          whole = false;
          break;
        }
        const left = end - this.clock.now();
        if (left > 0) await this.clock.sleep(Math.min(this.tickMs, left));
        seen = this.clock.now() - start;
        await onTick?.(seen);
        if (failure) break;
        round ??= this.backgroundRound().then(
          () => {
            round = null;
          },
          (error: unknown) => {
            failure = { error };
            round = null;
          },
        );
      }
    } finally {
      if (round) {
        const from = this.clock.now();
        await round;
        this.waitedForPassesMs += this.clock.now() - from;
      }
    }
    if (failure) throw (failure as { error: unknown }).error;
    return whole;
  }

  /**
   * Stops the timeline where it is (`run` on Ctrl-C): time passing in a step ends at its next
   * tick, and no further step starts. The heal and the judge still run.
   */
  interrupt(): void {
    this.interrupted = true;
  }

  async expectNow(expect: Expectations, index: number): Promise<string | undefined> {
    if (!this.options.expectNow) throw new Error('expect steps run only in scenarios');
    return this.options.expectNow(this, expect, index);
  }

  /** Every device's queue length now (one sample per moment: a later one replaces it). */
  sample(): void {
    const pending: Record<string, number> = {};
    for (const slot of this.slots) pending[slot.key] = slot.reader.queuedCount();
    const last = this.samples[this.samples.length - 1];
    const point = this.point();
    if (last && last.atMs === point.atMs && last.step === point.step) last.pending = pending;
    else this.samples.push({ ...point, pending });
  }

  /** Now, on the timeline: virtual time and the step running. */
  point(): TimelinePoint {
    return { atMs: this.at(), ...this.stepTag('step') };
  }

  private stepTag<K extends string>(key: K): Partial<Record<K, number>> {
    return (this.currentStep === null ? {} : { [key]: this.currentStep }) as Partial<
      Record<K, number>
    >;
  }

  recordWrite(
    slot: DeviceSlot,
    step: number,
    table: DataTable,
    id: string,
    kind: 'create' | 'update' | 'delete',
    fields: Record<string, unknown>,
  ): void {
    this.ledger.add({
      step,
      user: slot.options.userName,
      device: slot.key,
      table,
      id,
      kind,
      fields,
    });
  }

  created(slot: DeviceSlot, step: number, table: DataTable, ids: string[]): void {
    for (const id of ids) {
      const row = slot.reader.row(table, id) ?? {};
      const fields: Record<string, unknown> = {};
      for (const [column, value] of Object.entries(row))
        if (!LOCAL_ONLY.has(column)) fields[column] = value;
      this.recordWrite(slot, step, table, id, 'create', fields);
    }
  }

  /**
   * A pass that ran in a process of its own (the `kill` step): a pass, and a crash when it was
   * killed; the device was reopened from its database, and the ledger looks at it again.
   */
  childPass(slot: DeviceSlot, killed: string | null): void {
    this.totals.passes += 1;
    this.passes.push({
      ...this.point(),
      device: slot.key,
      detail: killed === null ? 'a pass in a process of its own' : `killed: ${killed}`,
    });
    if (killed !== null) {
      this.totals.crashes += 1;
      this.ledger.crashed(slot.key);
      this.event(slot, 'crash', killed);
    }
    this.ledger.nextRound();
    this.ledger.observe(slot.key, slot.reader);
  }

  event(slot: DeviceSlot, kind: TimelineEvent['kind'], detail: string): void {
    this.events.push({ ...this.point(), device: slot.key, kind, detail });
  }

  /** Closes the offline windows still open (for the report), lets writes land, closes all. */
  async close(): Promise<void> {
    for (const [device, open] of this.openWindows)
      this.offline.push({ device, ...open, toMs: this.at() });
    this.openWindows.clear();
    await Promise.allSettled(this.inFlight);
    await Promise.allSettled([...this.slots.map((s) => s.close()), this.writers.close()]);
  }
}

function resolveSlots(
  ref: string | string[],
  slots: DeviceSlot[],
  byKey: Map<string, DeviceSlot>,
): DeviceSlot[] {
  return resolveDeviceRefs(ref, slots).map((k) => byKey.get(k)!);
}
