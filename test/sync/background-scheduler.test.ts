import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { BackgroundScheduler, shouldRunBackgroundSync } from '../../src/sync/background-scheduler';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('shouldRunBackgroundSync', () => {
  const base = {
    now: 100 * MINUTE,
    minimumIntervalMs: 15 * MINUTE,
    online: true,
    batteryLow: false,
  };

  it('is due when it never ran', () => {
    expect(shouldRunBackgroundSync({ ...base, lastRunAt: null })).toEqual({
      run: true,
      reason: 'due',
    });
  });

  it('is due at exactly 15 minutes since the last run, not 1 ms earlier', () => {
    const at = (elapsed: number) =>
      shouldRunBackgroundSync({ ...base, lastRunAt: base.now - elapsed });
    expect(at(15 * MINUTE)).toEqual({ run: true, reason: 'due' });
    expect(at(15 * MINUTE - 1)).toEqual({ run: false, reason: 'interval not elapsed' });
  });

  it('is due when the clock reads earlier than the last run (the user set it back)', () => {
    // The OS schedules on time since boot, which a clock change does not move: a phone set two
    // hours back must not go two hours without background sync.
    expect(shouldRunBackgroundSync({ ...base, lastRunAt: base.now + 2 * HOUR })).toEqual({
      run: true,
      reason: 'clock set back',
    });
  });

  it('waits for a network first, then for a battery that is not low', () => {
    expect(
      shouldRunBackgroundSync({ ...base, lastRunAt: null, online: false, batteryLow: true }),
    ).toEqual({ run: false, reason: 'offline' });
    expect(shouldRunBackgroundSync({ ...base, lastRunAt: null, batteryLow: true })).toEqual({
      run: false,
      reason: 'battery low',
    });
  });
});

describe('BackgroundScheduler', () => {
  function setup(task: () => Promise<unknown> = async () => {}) {
    const clock = new VirtualClock();
    const start = clock.now();
    const device = { online: true, batteryLow: false };
    const runTimes: number[] = [];
    const scheduler = new BackgroundScheduler({
      clock,
      constraints: { isOnline: () => device.online, isBatteryLow: () => device.batteryLow },
      task: async () => {
        runTimes.push(clock.now() - start);
        return task();
      },
    });
    return { clock, start, device, runTimes, scheduler };
  }

  it('runs 24 times in 6 hours: at t=0 and then every 15 minutes, up to t=5h45', async () => {
    const { clock, start, runTimes, scheduler } = setup();
    const summary = await scheduler.runFor(6 * HOUR);

    expect(summary.runs).toBe(24);
    expect(runTimes).toEqual(Array.from({ length: 24 }, (_, i) => i * 15 * MINUTE));
    // One check per minute over [0, 6h): 360 checks, 24 of which ran.
    expect(summary.skipped).toEqual({ 'interval not elapsed': 360 - 24 });
    expect(scheduler.lastRunAt).toBe(start + 345 * MINUTE);
    expect(clock.now()).toBe(start + 6 * HOUR);
  });

  it('never runs while offline', async () => {
    const { device, scheduler } = setup();
    device.online = false;
    const summary = await scheduler.runFor(6 * HOUR);

    expect(summary.runs).toBe(0);
    expect(summary.skipped).toEqual({ offline: 360 });
    expect(scheduler.lastRunAt).toBeNull();
  });

  it('skips while the battery is low and runs as soon as it recovers', async () => {
    const { device, runTimes, scheduler } = setup();
    device.batteryLow = true;
    const low = await scheduler.runFor(HOUR);
    device.batteryLow = false;
    const recovered = await scheduler.runFor(HOUR);

    expect(low).toEqual({ runs: 0, failed: 0, skipped: { 'battery low': 60 } });
    expect(recovered.runs).toBe(4);
    expect(runTimes).toEqual([60, 75, 90, 105].map((m) => m * MINUTE));
  });

  it('keeps going after a task throws, counting the failure', async () => {
    let calls = 0;
    const { runTimes, scheduler } = setup(async () => {
      calls++;
      if (calls === 1) throw new Error('deadline exceeded');
    });
    const summary = await scheduler.runFor(HOUR);

    expect(summary).toMatchObject({ runs: 4, failed: 1 });
    expect(runTimes).toEqual([0, 15, 30, 45].map((m) => m * MINUTE));
  });

  it('reports the error of a failed run from tick', async () => {
    const error = new Error('unavailable');
    const { scheduler } = setup(async () => {
      throw error;
    });
    expect(await scheduler.tick()).toEqual({ ran: true, reason: 'task failed', error });
  });

  it('never starts a second run while one is in progress', async () => {
    let finish = () => {};
    const { scheduler } = setup(() => new Promise<void>((resolve) => (finish = resolve)));
    const first = scheduler.tick();

    expect(await scheduler.tick()).toEqual({ ran: false, reason: 'already running' });
    finish();
    expect(await first).toEqual({ ran: true, reason: 'due' });
  });
});
