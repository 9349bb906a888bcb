import { z } from 'zod';
import { DeviceRef, on } from './fields';
import { defineStep } from './step-kind';

/** `answer`: what the user answers to the device's next ask-user prompts, in order. */
export const answer = defineStep({
  name: 'answer',
  body: z.strictObject({
    device: DeviceRef,
    with: z.array(z.enum(['local', 'remote', 'merge'])).min(1),
  }),
  async run(world, b) {
    for (const slot of world.slotsFor(b.device)) slot.answers.push(...b.with);
    return undefined;
  },
  describe: (b) => `answer ${b.with.join(', ')} on ${on(b.device)}`,
});
