import { isBareNumber, parseDuration as parseDurationText } from '../core/units';
import { UsageError } from './errors';

/**
 * A duration flag in milliseconds (src/core/units.ts: `30s`, `5m`, `1h`, `250ms`, `7d`). A bare
 * number is milliseconds where a flag takes one (`--latency 80`); the flags that once read a bare
 * number as seconds refuse it instead (0 excepted), so an old command line fails loudly rather
 * than meaning a thousandth of what it meant.
 */
export function parseDuration(
  flag: string,
  text: string,
  bare: 'milliseconds' | 'refused' = 'refused',
): number {
  const ms = parseDurationText(String(text));
  if (ms === null) {
    throw new UsageError(`${flag} must be a duration like 30s, 5m, 1h or 250ms; got "${text}".`);
  }
  if (bare === 'refused' && ms !== 0 && isBareNumber(String(text))) {
    throw new UsageError(
      `${flag} needs a unit, e.g. ${String(text).trim()}s (a bare number would be milliseconds); got "${text}".`,
    );
  }
  if (!Number.isSafeInteger(ms)) {
    throw new UsageError(`${flag} is too long a duration; got "${text}".`);
  }
  return ms;
}

/** A probability in [0, 1]. */
export function parseProbability(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d*(\.\d+)?$/.test(String(text).trim()) || !(value >= 0 && value <= 1)) {
    throw new UsageError(`${flag} must be a probability between 0 and 1, e.g. 0.3; got "${text}".`);
  }
  return value;
}
