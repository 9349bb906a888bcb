/**
 * Time as a parameter. Sync and simulation code never call Date.now() or setTimeout directly:
 * the real clock runs in production and the CLI; a virtual clock makes tests and scenarios
 * deterministic and lets "6 hours offline" replay in seconds.
 */
export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * A clock that only moves when told to. `sleep` advances it immediately by the requested time
 * and resolves on the next microtask, so backoff delays cost no wall time; `advance` moves it
 * explicitly (scenario time).
 */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`A clock cannot go back or advance by ${ms} ms.`);
    this.current += ms;
  }

  async sleep(ms: number): Promise<void> {
    this.advance(Math.max(0, ms));
  }
}
