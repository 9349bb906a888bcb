import { z } from 'zod';
import { DeviceRef, on, shorthand } from './fields';
import { defineStep } from './step-kind';

/** `sync`: devices run one sync pass now. */
export const sync = defineStep({
  name: 'sync',
  body: shorthand(z.strictObject({ device: DeviceRef })),
  async run(world, { device }) {
    await world.sync(world.slotsFor(device));
    return undefined;
  },
  describe: (b) => `sync ${on(b.device)}`,
  fuzz: [[15, (f) => f.steps.push({ sync: f.random() < 0.3 ? 'all' : f.device() })]],
});
