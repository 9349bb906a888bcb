import { Q } from '@nozbe/watermelondb';
import { describe, expect, it } from 'vitest';
import { inWatermelonMode, modeText, watermelonMode } from '../../src/bench/watermelon-mode';

/**
 * The bench measures the engine as a release build runs it by setting NODE_ENV around its runs,
 * in its own process: that only works because WatermelonDB reads NODE_ENV at each check, not
 * once at load. These tests hold WatermelonDB (already loaded here) to that.
 */
describe('WatermelonDB mode for the bench', () => {
  it('only NODE_ENV=production is release mode', () => {
    expect(watermelonMode({ NODE_ENV: 'production' })).toBe('release');
    expect(watermelonMode({ NODE_ENV: 'test' })).toBe('development');
    expect(watermelonMode({})).toBe('development');
  });

  it('switches WatermelonDB’s development checks off and on in a loaded process, then restores NODE_ENV', async () => {
    const before = process.env.NODE_ENV;
    // A development check: an invariant on the argument, compiled out of a release build.
    const notAString = 42 as unknown as string;
    await inWatermelonMode('development', async () => {
      expect(() => Q.unsafeSqlExpr(notAString)).toThrow(/not a string/);
    });
    const released = await inWatermelonMode('release', async () => {
      expect(watermelonMode()).toBe('release');
      return Q.unsafeSqlExpr(notAString);
    });
    expect(released).toEqual({ type: 'sql', expr: 42 });
    expect(process.env.NODE_ENV).toBe(before);
  });

  it('runs a release build without source maps, and puts them back as they were', async () => {
    process.setSourceMapsEnabled(true);
    try {
      const inside = await inWatermelonMode('release', async () => process.sourceMapsEnabled);
      expect(inside).toBe(false);
      expect(process.sourceMapsEnabled).toBe(true);
      expect(await inWatermelonMode('development', async () => process.sourceMapsEnabled)).toBe(
        true,
      );
    } finally {
      process.setSourceMapsEnabled(false);
    }
  });

  it('restores NODE_ENV when the work fails', async () => {
    const before = process.env.NODE_ENV;
    await expect(
      inWatermelonMode('release', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(process.env.NODE_ENV).toBe(before);
  });

  it('the report says which mode and why', () => {
    expect(modeText({ watermelon: 'release', nodeEnv: 'production' })).toMatch(
      /release mode \(NODE_ENV=production: development checks off/,
    );
    expect(modeText({ watermelon: 'development', nodeEnv: null })).toMatch(
      /development mode \(NODE_ENV=unset: development checks on/,
    );
  });
});
