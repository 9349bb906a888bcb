import { z } from 'zod';
import { describeMidPush, MidPush, runMidPush } from './during-push';
import { DeviceRef, on, shorthand } from './fields';
import { defineStep } from './step-kind';

/** `offline`: devices lose the network (connection refused, or a black hole that never answers). */
export const offline = defineStep({
  name: 'offline',
  body: shorthand(
    z.strictObject({
      device: DeviceRef,
      mode: z.enum(['refuse', 'blackhole']).default('refuse'),
      during: MidPush.optional(),
    }),
  ),
  async run(world, { device, mode, during }) {
    const slots = world.slotsFor(device);
    if (during) return runMidPush(world, slots, during, (slot) => world.setMode(slot, mode));
    for (const slot of slots) await world.setMode(slot, mode);
    return undefined;
  },
  describe: (b) =>
    `offline (${b.mode}) ${on(b.device)}${b.during ? describeMidPush(b.during) : ''}`,
  fuzz: [
    [
      8,
      (f) =>
        f.steps.push({
          offline: { device: f.device(), mode: f.random() < 0.15 ? 'blackhole' : 'refuse' },
        }),
    ],
  ],
});
