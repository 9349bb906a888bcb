import { Duration, formatMs } from './fields';
import { defineStep } from './step-kind';

/** `advance`: time passes (background sync runs at its interval on online devices). */
export const advance = defineStep({
  name: 'advance',
  body: Duration,
  async run(world, ms) {
    await world.passTime(ms);
    return undefined;
  },
  describe: (ms) => `advance ${formatMs(ms)}`,
  fuzz: [[8, (f) => f.steps.push({ advance: `${f.int(1, 120)}m` })]],
});
