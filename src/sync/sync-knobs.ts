/**
 * The engine's tuning knobs (pull page size, push batch size, commits in flight) and the bounds
 * it accepts, in one place for every caller that lets a person set them (CLI flags, scenario
 * files): a knob out of bounds is refused with the reason, never clamped silently.
 */

export interface SyncKnobs {
  /** Documents per pull query (one page). */
  pageSize?: number;
  /** Records per push commit (one WriteBatch). */
  batchSize?: number;
  /** Push commits in flight at once. */
  maxInFlight?: number;
}

export type SyncKnob = keyof SyncKnobs;

export const KNOB_DEFAULTS: Required<SyncKnobs> = {
  // Measured (docs/bench.md, "Pull at scale"): the emulator's cost per page grows with the
  // collection, so fewer, larger pages pull 100,000 records several times faster than pages of
  // 1,000; the pull holds two pages per collection, which a 1,000,000-record first pull keeps
  // under 400 MB.
  pageSize: 5000,
  batchSize: 500,
  maxInFlight: 4,
};

/** Inclusive bounds, and why the upper one is where it is. */
export const KNOB_BOUNDS: Record<SyncKnob, { min: number; max: number; why: string }> = {
  pageSize: {
    min: 1,
    max: 10_000,
    why: 'a page is held in memory and applied in one local transaction',
  },
  batchSize: { min: 1, max: 500, why: 'a Firestore commit holds at most 500 writes' },
  maxInFlight: {
    min: 1,
    max: 32,
    why: 'more commits at once only queue behind each other on one connection',
  },
};

/** What is wrong with a knob's value, or null. */
export function knobProblem(knob: SyncKnob, value: number): string | null {
  const { min, max, why } = KNOB_BOUNDS[knob];
  if (!Number.isInteger(value)) return `must be a whole number; got ${value}`;
  if (value < min || value > max) return `must be ${min} to ${max} (${why}); got ${value}`;
  return null;
}
