import { z } from 'zod';
import { describeMidPush, MidPush, runMidPush } from './during-push';
import { DeviceRef, on, shorthand } from './fields';
import { defineStep } from './step-kind';

/** `online`: devices get their network back. */
export const online = defineStep({
  name: 'online',
  body: shorthand(z.strictObject({ device: DeviceRef, during: MidPush.optional() })),
  async run(world, { device, during }) {
    const slots = world.slotsFor(device);
    if (during) return runMidPush(world, slots, during, (slot) => world.setMode(slot, 'online'));
    for (const slot of slots) await world.setMode(slot, 'online');
    return undefined;
  },
  describe: (b) => `online ${on(b.device)}${b.during ? describeMidPush(b.during) : ''}`,
  fuzz: [[8, (f) => f.steps.push({ online: f.device() })]],
});
