import { z } from 'zod';
import { DeviceRef, Duration, on, Probability } from './fields';
import { defineStep } from './step-kind';

/** `flaky`: devices are online through a bad link (dropped connections, latency, a throttle). */
export const flaky = defineStep({
  name: 'flaky',
  body: z.strictObject({
    device: DeviceRef,
    dropRate: Probability.default(0.2),
    latency: Duration.default(0),
    jitter: Duration.default(0),
    bytesPerSecond: z.number().int().positive().nullable().default(null),
  }),
  async run(world, f) {
    for (const slot of world.slotsFor(f.device)) {
      slot.setLink({
        latencyMs: f.latency,
        jitterMs: f.jitter,
        bytesPerSecond: f.bytesPerSecond,
        dropRate: f.dropRate,
      });
      await world.setMode(slot, 'online');
    }
    return undefined;
  },
  describe: (b) => `flaky ${on(b.device)} (drop ${b.dropRate})`,
  fuzz: [
    [
      4,
      (f) =>
        f.steps.push({
          flaky: {
            device: f.device(),
            dropRate: Math.round(f.random() * 30) / 100,
            latency: f.int(0, 30),
          },
        }),
    ],
  ],
});
