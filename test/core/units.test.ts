import { describe, expect, it } from 'vitest';
import { parseDuration as parseDurationFlag } from '../../src/cli/duration';
import {
  formatDuration,
  formatDurationExact,
  formatDurationShort,
  parseDuration,
  parseRate,
  perMillisecond,
  perSecond,
} from '../../src/core/units';

describe('durations and rates (src/core/units.ts)', () => {
  it('a duration takes a unit; a bare number is milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('6h')).toBe(21_600_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration('-5m')).toBeNull();
    expect(parseDuration('30x')).toBeNull();
  });

  it('a rate is a count per unit; a bare number is per second', () => {
    expect(perSecond(parseRate('2/s')!)).toBe(2);
    expect(perSecond(parseRate('120/min')!)).toBe(2);
    expect(perSecond(parseRate('4')!)).toBe(4);
    expect(perMillisecond(parseRate('20/h')!)).toBe(20 / 3_600_000);
    expect(parseRate('2/week')).toBeNull();
  });

  it('formatDuration rounds before it picks the unit (59,999 ms is not "60.0 s", 119,600 ms not "1 min 60 s")', () => {
    expect(formatDuration(59_999)).toBe('1 min 0 s');
    expect(formatDuration(119_600)).toBe('2 min 0 s');
    expect(formatDuration(999.6)).toBe('1.00 s');
    expect(formatDuration(9_999)).toBe('10.0 s');
  });

  it('formatDuration prints ms, seconds, then minutes and seconds', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1_234)).toBe('1.23 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });

  it('formatDurationExact is read back by parseDuration', () => {
    for (const ms of [0, 1, 250, 1500, 30_000, 90_000, 3_600_000, 604_800_000, 86_400_001]) {
      expect(parseDuration(formatDurationExact(ms))).toBe(ms);
    }
    expect(formatDurationExact(5_400_000)).toBe('90m');
  });

  it('formatDurationShort shows at most two units', () => {
    expect(formatDurationShort(0)).toBe('0');
    expect(formatDurationShort(5_400_000)).toBe('1h30m');
    expect(formatDurationShort(90_061_001)).toBe('1d1h');
  });

  it('CLI flags: a bare number is milliseconds where accepted, refused where it once meant seconds', () => {
    expect(parseDurationFlag('--latency', '80', 'milliseconds')).toBe(80);
    expect(parseDurationFlag('--offline-for', '30s')).toBe(30_000);
    expect(parseDurationFlag('--online-for', '0')).toBe(0);
    expect(() => parseDurationFlag('--offline-for', '30')).toThrow(
      /--offline-for needs a unit, e.g. 30s/,
    );
  });
});
