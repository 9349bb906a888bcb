import type { Clock } from '../../src/core/clock';

/** A device clock that is off by `offsetMs` (clock-skew simulation), over any base clock. */
export function skewedClock(base: Clock, offsetMs: number): Clock {
  return { now: () => base.now() + offsetMs, sleep: (ms) => base.sleep(ms) };
}
