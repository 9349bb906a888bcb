import { z } from 'zod';
import { DeviceRef, on, shorthand } from './fields';
import { defineStep } from './step-kind';

/** `offline`: devices lose the network (connection refused, or a black hole that never answers). */
export const offline = defineStep({
  name: 'offline',
  body: shorthand(
    z.strictObject({ device: DeviceRef, mode: z.enum(['refuse', 'blackhole']).default('refuse') }),
  ),
  async run(world, { device, mode }) {
    for (const slot of world.slotsFor(device)) await world.setMode(slot, mode);
    return undefined;
  },
  describe: (b) => `offline (${b.mode}) ${on(b.device)}`,
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
