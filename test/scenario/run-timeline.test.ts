import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { Scenario } from '../../src/scenario/format';
import { runTimeline, timelineSteps } from '../../src/scenario/run-timeline';
import { NO_FAULTS } from '../../src/simulate/fault-model';
import { HEALTHY_LINK } from '../../src/simulate/fault-proxy';

/** `run`'s flags as a timeline (pure: no emulator, no device). */
describe('run as a timeline', () => {
  const options = {
    dataDir: '/nowhere',
    userId: 'user-1',
    deviceIds: ['device-1-1', 'device-1-2'],
    projectId: 'demo-x',
    firestore: '127.0.0.1:1',
    storage: null,
    seed: 7,
    clock: systemClock,
    onlineForMs: 5000,
    offlineForMs: 2500,
    recordsPerSecond: 2,
    timeoutMs: 60_000,
    blackhole: true,
    strategy: 'merge' as const,
    faults: NO_FAULTS,
    link: HEALTHY_LINK,
    deadlineMs: 800,
    seedIfEmpty: true,
  };

  it('seeds the empty devices, syncs, stays online, records offline at the rate, comes back', () => {
    const timeline = runTimeline(options, ['device-1-2'], 1000);
    expect(timeline.scenario.steps).toEqual([
      { generate: { device: ['device-1-2'], count: 120, collection: 'health_data', over: '1d' } },
      { generate: { device: ['device-1-2'], count: 96, collection: 'location_data', over: '1d' } },
      { generate: { device: ['device-1-2'], count: 3, collection: 'voice_notes', over: '1d' } },
      { generate: { device: ['device-1-2'], count: 6, collection: 'text_notes', over: '1d' } },
      { generate: { device: ['device-1-2'], count: 4, collection: 'photo_memories', over: '1d' } },
      { sync: 'all' },
      { advance: 5000 },
      { offline: { device: 'all', mode: 'blackhole' } },
      { generate: { device: 'all', count: 5, rate: 2 } },
      { online: 'all' },
    ]);
    expect(timeline.seedSteps).toEqual([0, 1, 2, 3, 4]);
    expect(timeline.recordingStep).toBe(8);
    expect(timeline.scenario).toMatchObject({
      seed: 7,
      strategy: 'merge',
      files: false,
      background: 1000,
      deadline: 800,
      users: [{ id: 'user-1', devices: ['device-1-1', 'device-1-2'] }],
    });
    // A valid scenario file: what --save-scenario writes, scenario run replays.
    expect(Scenario.safeParse(timeline.scenario).success).toBe(true);
  });

  it('with edit and delete rates, the offline phase is one churn step over the whole offline time', () => {
    const timeline = runTimeline(
      { ...options, editsPerSecond: 1, deletesPerSecond: 0.5 },
      [],
      1000,
    );
    expect(timeline.scenario.steps).toEqual([
      { sync: 'all' },
      { advance: 5000 },
      { offline: { device: 'all', mode: 'blackhole' } },
      { churn: { device: 'all', for: 2500, create: 2, edit: 1, delete: 0.5 } },
      { online: 'all' },
    ]);
    expect(timeline.recordingStep).toBe(3);
    expect(timeline.cycleStart).toBe(0);
    expect(Scenario.safeParse(timeline.scenario).success).toBe(true);
    // Rates of 0 leave the timeline as it always was.
    expect(
      runTimeline({ ...options, editsPerSecond: 0, deletesPerSecond: 0 }, [], 1000).scenario.steps,
    ).toEqual(runTimeline(options, [], 1000).scenario.steps);
  });

  it('--until-stopped repeats the online/offline cycle, after the seeding, without end', () => {
    const timeline = runTimeline(options, ['device-1-2'], 1000);
    expect(timeline.cycleStart).toBe(5);
    const { steps, positionOf } = timelineSteps(timeline.scenario.steps!, 5, true);
    const first = [...take(steps, 20)];
    expect(first.slice(0, 10)).toEqual(timeline.scenario.steps);
    expect(first.slice(10, 15)).toEqual(timeline.scenario.steps!.slice(5));
    expect(first.slice(15, 20)).toEqual(timeline.scenario.steps!.slice(5));
    expect([8, 13, 18].map(positionOf)).toEqual([8, 8, 8]);
    const once = timelineSteps(timeline.scenario.steps!, 5, false);
    expect([...once.steps]).toEqual(timeline.scenario.steps);
  });

  it('states faults, a bad link and a crash first, and names ids that are not scenario names', () => {
    const timeline = runTimeline(
      {
        ...options,
        userId: 'alice.smith',
        deviceIds: ['phone'],
        onlineForMs: 0,
        offlineForMs: 0,
        blackhole: false,
        faults: {
          failRate: { pull: 0, push: 0.3, upload: 0 },
          kinds: ['unavailable'],
          ackLostRate: 0.1,
        },
        link: { ...HEALTHY_LINK, latencyMs: 80 },
        crashAt: 'after-pull',
      },
      [],
      1000,
    );
    expect(timeline.scenario.steps).toEqual([
      {
        faults: {
          device: 'all',
          failRate: { pull: 0, push: 0.3, upload: 0 },
          ackLostRate: 0.1,
          kinds: ['unavailable'],
        },
      },
      {
        flaky: { device: 'all', dropRate: 0, latency: 80, jitter: 0, bytesPerSecond: null },
      },
      { crash: { device: 'all', at: 'after-pull' } },
      { sync: 'all' },
      { offline: { device: 'all', mode: 'refuse' } },
      { online: 'all' },
    ]);
    expect(timeline.recordingStep).toBe(-1);
    expect(timeline.scenario.users).toEqual([{ id: 'alice-smith', devices: ['phone'] }]);
    expect(Scenario.safeParse(timeline.scenario).success).toBe(true);
  });
});

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  let left = n;
  for (const item of items) {
    if (left-- <= 0) return;
    yield item;
  }
}
