import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { Scenario } from '../../src/scenario/format';
import { runTimeline } from '../../src/scenario/run-timeline';
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
