import { UsageError } from './errors';

/** `30s`, `5m`, `1h`, `250ms`, or a plain number of seconds. Returns milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim());
  if (!match) {
    throw new UsageError(`${flag} must be a duration like 30s, 5m, 1h or 250ms; got "${text}".`);
  }
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
  const ms = Math.round(value * factor);
  if (!Number.isSafeInteger(ms)) {
    throw new UsageError(`${flag} is too long a duration; got "${text}".`);
  }
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A probability in [0, 1]. */
export function parseRate(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d*(\.\d+)?$/.test(String(text).trim()) || !(value >= 0 && value <= 1)) {
    throw new UsageError(`${flag} must be a probability between 0 and 1, e.g. 0.3; got "${text}".`);
  }
  return value;
}
