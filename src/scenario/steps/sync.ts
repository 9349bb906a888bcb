import { z } from 'zod';
import { on, shorthand, Target } from './fields';
import { defineStep } from './step-kind';

/** `sync`: devices run one sync pass now. */
export const sync = defineStep({
  name: 'sync',
  body: shorthand(z.strictObject({ device: Target })),
  async run(world, { device }) {
    await world.sync(world.targets(device));
    return undefined;
  },
  describe: (b) => `sync ${on(b.device)}`,
  fuzz: [[15, (f) => f.steps.push({ sync: f.random() < 0.3 ? 'all' : f.device() })]],
});
