import type { Clock, VirtualClock } from '../core/clock';

/**
 * A device's view of the scenario's virtual time: off by a fixed offset and drifting by so many
 * parts per million from the scenario's start. Sleeping (retry backoff inside a sync pass) moves
 * only this device's clock forward, never the scenario's, so one device's backoff cannot change
 * the timestamps another device writes. On its own the clock never goes backwards; only a
 * `clock` step (the user setting the time) moves it back, or forward, in one jump.
 */
export class DeviceClock implements Clock {
  private floor = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly world: VirtualClock,
    private readonly origin: number,
    private offsetMs: number,
    private readonly driftPpm: number,
  ) {}

  now(): number {
    const t = this.world.now();
    const own = t + this.offsetMs + Math.round(((t - this.origin) * this.driftPpm) / 1_000_000);
    this.floor = Math.max(this.floor, own);
    return this.floor;
  }

  async sleep(ms: number): Promise<void> {
    this.floor = this.now() + Math.max(0, ms);
    // Let real I/O (the emulators) make progress; no wall time is spent waiting.
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** The user sets the time: the clock reads `deltaMs` later (earlier when negative) from now on. */
  jump(deltaMs: number): void {
    const before = this.now();
    this.offsetMs += deltaMs;
    // The floor (time slept ahead of the world) moves with the clock, so a jump back is a jump back.
    this.floor = before + deltaMs;
  }
}

/** A clock a `clock` step can set: the scenario's device clocks (`run`'s real clock is not one). */
export function isSettable(clock: Clock): clock is DeviceClock {
  return clock instanceof DeviceClock;
}
