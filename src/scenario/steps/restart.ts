import { z } from 'zod';
import { DeviceRef, on, shorthand } from './fields';
import { defineStep } from './step-kind';

/** `restart`: the app is closed and opened again (what a restarted phone finds on disk). */
export const restart = defineStep({
  name: 'restart',
  body: shorthand(z.strictObject({ device: DeviceRef })),
  async run(world, { device }) {
    for (const slot of world.slotsFor(device)) await slot.restart();
    return undefined;
  },
  describe: (b) => `restart ${on(b.device)}`,
});
