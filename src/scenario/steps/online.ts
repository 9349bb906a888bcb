import { z } from 'zod';
import { DeviceRef, on, shorthand } from './fields';
import { defineStep } from './step-kind';

/** `online`: devices get their network back. */
export const online = defineStep({
  name: 'online',
  body: shorthand(z.strictObject({ device: DeviceRef })),
  async run(world, { device }) {
    for (const slot of world.slotsFor(device)) await world.setMode(slot, 'online');
    return undefined;
  },
  describe: (b) => `online ${on(b.device)}`,
  fuzz: [[8, (f) => f.steps.push({ online: f.device() })]],
});
