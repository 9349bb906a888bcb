import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkpointAfter,
  compareCursors,
  LATE_WRITE_WINDOW_MS,
  pulledThrough,
} from '../../src/sync/checkpoint';
import type { PullCursor } from '../../src/sync/remote-store';
import { encodeVersion, versionBefore, versionMinus } from '../../src/sync/version';

const at = (seconds: number, nanoseconds = 0) => encodeVersion({ seconds, nanoseconds });

describe('the pull checkpoint stays behind the late-write window', () => {
  it('is the last document when that is older than read time − window', () => {
    const last = { time: at(1000), id: 'b' };
    expect(checkpointAfter(null, last, at(1000 + 121), false)).toEqual(last);
  });

  it('is a floor at read time − window when the last document is newer than that', () => {
    const last = { time: at(1000), id: 'b' };
    expect(checkpointAfter(null, last, at(1060), false)).toEqual({ time: at(940), id: null });
  });

  it('without a read time, stays a window behind the newest document', () => {
    const last = { time: at(1000, 5), id: 'b' };
    expect(checkpointAfter(null, last, null, false)).toEqual({ time: at(880, 5), id: null });
  });

  it('after a complete pull, is a floor just after the last document once that is outside the window', () => {
    const last = { time: at(1000, 7), id: 'b' };
    expect(checkpointAfter(null, last, at(1200), true)).toEqual({ time: at(1000, 8), id: null });
    expect(checkpointAfter(null, last, at(1060), true)).toEqual({ time: at(940), id: null });
  });

  it('never moves back', () => {
    const previous = { time: at(990), id: 'z' };
    expect(checkpointAfter(previous, { time: at(1000), id: 'b' }, at(1060), true)).toEqual(
      previous,
    );
  });

  it('a write stamped before the floor was visible at the read (property)', () => {
    // Any write stamped s and visible by s + window: if it was not visible at read time r, then
    // s > r − window, so it lies after the checkpoint and the next pull reads it.
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: LATE_WRITE_WINDOW_MS - 1 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.boolean(),
        (lastSeconds, readAfterMs, commitLagMs, stampBeforeMs, complete) => {
          const last: PullCursor = { time: at(lastSeconds), id: 'x' };
          const readMs = lastSeconds * 1000 + readAfterMs;
          const stampMs = lastSeconds * 1000 - stampBeforeMs;
          const invisibleAtRead = stampMs + commitLagMs > readMs;
          const checkpoint = checkpointAfter(
            null,
            last,
            at(Math.floor(readMs / 1000), (readMs % 1000) * 1e6),
            complete,
          );
          const write = {
            time: at(Math.floor(stampMs / 1000), (stampMs % 1000) * 1e6),
            id: 'late',
          };
          if (invisibleAtRead) expect(compareCursors(write, checkpoint)).toBeGreaterThan(0);
        },
      ),
      { seed: 13, numRuns: 2000 },
    );
  });

  it('orders a floor before every document of its time', () => {
    expect(compareCursors({ time: at(5), id: null }, { time: at(5), id: '0' })).toBe(-1);
    expect(compareCursors({ time: at(5), id: 'a' }, { time: at(4), id: null })).toBe(1);
  });

  it('reports progress one nanosecond before the checkpoint (a batch shares one stamp)', () => {
    expect(pulledThrough({ time: at(7, 0), id: 'm' })).toBe(at(6, 999_999_999));
    expect(versionBefore(at(7, 3))).toBe(at(7, 2));
    expect(versionMinus(at(1, 0), 5_000)).toBe(at(0, 0));
  });
});
