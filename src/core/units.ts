/**
 * Durations and rates, parsed and printed one way for the CLI, scenario files and reports.
 *
 * A duration is a number with a unit: `250ms`, `30s`, `15m`, `6h`, `7d`. A bare number is
 * milliseconds, everywhere a bare number is accepted (scenario files, `--latency`, `--jitter`),
 * because milliseconds are what the code counts in. The CLI flags that once read a bare number
 * as seconds (`--offline-for 30`) refuse one now, so no command line silently changes meaning
 * (src/cli/duration-flags.ts).
 *
 * A rate is a count per unit of time: `10/s`, `120/min`, `5/h`; a bare number is per second.
 */

/** Milliseconds per duration unit. */
export const DURATION_UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
} as const;
export type DurationUnit = keyof typeof DURATION_UNIT_MS;

/** A duration as text (full match): a non-negative number and an optional unit. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

/**
 * Milliseconds in `text` (`250ms`, `30s`, `15m`, `6h`, `7d`, or a bare number of milliseconds),
 * rounded to a whole millisecond; null when it is not a duration. Callers check the size
 * (a huge number parses to Infinity or an unsafe integer).
 */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return null;
  return Math.round(Number(match[1]) * DURATION_UNIT_MS[(match[2] ?? 'ms') as DurationUnit]);
}

/** True when `text` is a number without a unit (what some CLI flags refuse). */
export function isBareNumber(text: string): boolean {
  return /^\d+(?:\.\d+)?$/.test(text.trim());
}

/** Milliseconds per rate unit (`/sec` and `/m` are the CLI's old spellings of `/s` and `/min`). */
const RATE_UNIT_MS = { s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 } as const;

/** A rate as text (full match): a non-negative number and an optional `/unit`. */
export const RATE_PATTERN = /^(\d+(?:\.\d+)?)(?:\/(s|sec|m|min|h))?$/;

/** `count` things every `perMs` milliseconds, as written (kept apart so no rounding creeps in). */
export interface Rate {
  count: number;
  perMs: number;
}

/** `10/s`, `120/min`, `5/h`, or a bare number per second; null when it is not a rate. */
export function parseRate(text: string): Rate | null {
  const match = RATE_PATTERN.exec(text.trim());
  if (!match) return null;
  return { count: Number(match[1]), perMs: RATE_UNIT_MS[(match[2] ?? 's') as 's'] };
}

export function perMillisecond(rate: Rate): number {
  return rate.count / rate.perMs;
}

export function perSecond(rate: Rate): number {
  return rate.count / (rate.perMs / 1000);
}

/**
 * A duration for people, rounded (wall time, latencies): `250 ms`, `1.25 s`, `12.5 s`,
 * `2 min 5 s`. Rounds first and then picks the unit, so 59,999 ms is `1 min 0 s`, not `60.0 s`.
 */
export function formatDuration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (Number(seconds.toFixed(2)) < 10) return `${seconds.toFixed(2)} s`;
  if (Number(seconds.toFixed(1)) < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/**
 * A duration exactly, in the notation parseDuration reads back: the largest unit it is a whole
 * number of (`90m`, `7d`), else milliseconds (`1500ms`). For scenario steps as written.
 */
export function formatDurationExact(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = DURATION_UNIT_MS[unit];
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A duration in at most two units, rounded down: 0, 250ms, 15m, 6h, 1h30m (chart labels). */
export function formatDurationShort(ms: number): string {
  let rest = Math.round(ms);
  if (rest <= 0) return '0';
  const parts: string[] = [];
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = DURATION_UNIT_MS[unit];
    if (rest < size) continue;
    const n = Math.floor(rest / size);
    parts.push(`${n}${unit}`);
    rest -= n * size;
    if (parts.length === 2 || rest === 0) break;
  }
  return parts.join('');
}
