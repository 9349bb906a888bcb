/**
 * The app's background sync: at most once per 15 minutes, only with a network and a battery that
 * is not low. The OS wakes the app at its own pace; here a loop checks every `checkEveryMs` of an
 * injected clock, so a virtual clock replays hours of background sync instantly.
 */
import type { Clock } from '../core/clock';

export interface BackgroundConstraints {
  isOnline(): boolean;
  isBatteryLow(): boolean;
}

export const DEFAULT_MINIMUM_INTERVAL_MS = 15 * 60 * 1000;
export const DEFAULT_CHECK_EVERY_MS = 60_000;

/** Pure decision. "Due" means at least the minimum interval has passed since the last run. */
export function shouldRunBackgroundSync(state: {
  now: number;
  lastRunAt: number | null;
  minimumIntervalMs: number;
  online: boolean;
  batteryLow: boolean;
}): { run: boolean; reason: string } {
  if (!state.online) return { run: false, reason: 'offline' };
  if (state.batteryLow) return { run: false, reason: 'battery low' };
  // A last run in the future: the user set the clock back. The OS counts time since boot, which
  // a clock change does not move, so the interval cannot be measured here: run rather than wait
  // for the clock to catch up (hours, perhaps).
  if (state.lastRunAt !== null && state.now < state.lastRunAt)
    return { run: true, reason: 'clock set back' };
  if (state.lastRunAt !== null && state.now - state.lastRunAt < state.minimumIntervalMs) {
    return { run: false, reason: 'interval not elapsed' };
  }
  return { run: true, reason: 'due' };
}

export interface TickResult {
  /** The task was started (it may still have failed: see `reason` and `error`). */
  ran: boolean;
  reason: string;
  error?: unknown;
}

export class BackgroundScheduler {
  private readonly clock: Clock;
  private readonly constraints: BackgroundConstraints;
  private readonly task: () => Promise<unknown>;
  private readonly minimumIntervalMs: number;
  private readonly checkEveryMs: number;
  private lastRun: number | null = null;
  private running = false;

  constructor(options: {
    clock: Clock;
    constraints: BackgroundConstraints;
    task: () => Promise<unknown>;
    minimumIntervalMs?: number;
    checkEveryMs?: number;
  }) {
    this.clock = options.clock;
    this.constraints = options.constraints;
    this.task = options.task;
    this.minimumIntervalMs = options.minimumIntervalMs ?? DEFAULT_MINIMUM_INTERVAL_MS;
    this.checkEveryMs = options.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS;
    // A zero step would spin forever without time ever moving.
    if (!(this.checkEveryMs > 0)) {
      throw new RangeError(`checkEveryMs must be positive, got ${this.checkEveryMs}.`);
    }
  }

  /** When the last run started (a failed run counts: the interval restarts either way). */
  get lastRunAt(): number | null {
    return this.lastRun;
  }

  /** Checks once, now, and runs the task if due. Never runs two tasks at once. */
  async tick(): Promise<TickResult> {
    if (this.running) return { ran: false, reason: 'already running' };
    const now = this.clock.now();
    const decision = shouldRunBackgroundSync({
      now,
      lastRunAt: this.lastRun,
      minimumIntervalMs: this.minimumIntervalMs,
      online: this.constraints.isOnline(),
      batteryLow: this.constraints.isBatteryLow(),
    });
    if (!decision.run) return { ran: false, reason: decision.reason };

    this.running = true;
    this.lastRun = now;
    try {
      await this.task();
      return { ran: true, reason: 'due' };
    } catch (error) {
      // A failed sync is expected misbehaviour of the outside world: report it, keep scheduling.
      return { ran: true, reason: 'task failed', error };
    } finally {
      this.running = false;
    }
  }

  /**
   * Ticks every `checkEveryMs` over `[start, start + durationMs)` of clock time and ends exactly
   * at `start + durationMs`. `runs` counts started runs; `failed` those of them that threw;
   * `skipped` counts checks that did not run, by reason.
   */
  async runFor(
    durationMs: number,
  ): Promise<{ runs: number; failed: number; skipped: Record<string, number> }> {
    const end = this.clock.now() + durationMs;
    const summary = { runs: 0, failed: 0, skipped: {} as Record<string, number> };
    while (this.clock.now() < end) {
      const result = await this.tick();
      if (result.ran) summary.runs++;
      if (result.reason === 'task failed') summary.failed++;
      if (!result.ran) summary.skipped[result.reason] = (summary.skipped[result.reason] ?? 0) + 1;
      const remaining = end - this.clock.now();
      if (remaining > 0) await this.clock.sleep(Math.min(this.checkEveryMs, remaining));
    }
    return summary;
  }
}
