import { z } from 'zod';
import type { DeviceSlot } from '../device-slot';
import { describeMidPush, MidPush, runMidPush } from './during-push';
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
    during: MidPush.optional(),
  }),
  async run(world, f) {
    const degrade = async (slot: DeviceSlot) => {
      slot.setLink({
        latencyMs: f.latency,
        jitterMs: f.jitter,
        bytesPerSecond: f.bytesPerSecond,
        dropRate: f.dropRate,
      });
      await world.setMode(slot, 'online');
    };
    const slots = world.slotsFor(f.device);
    if (f.during) return runMidPush(world, slots, f.during, degrade);
    for (const slot of slots) await degrade(slot);
    return undefined;
  },
  describe: (b) =>
    `flaky ${on(b.device)} (drop ${b.dropRate})${b.during ? describeMidPush(b.during) : ''}`,
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
