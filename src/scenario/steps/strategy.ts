import { z } from 'zod';
import { describeStrategy, StrategySetting } from '../device-settings';
import { DeviceRef, on } from './fields';
import { defineStep } from './step-kind';

const STRATEGIES = ['remote-wins', 'local-wins', 'merge', 'ask-user'] as const;

/**
 * `strategy`: devices switch conflict strategy, for every collection or (a map) for the
 * collections it names; the others keep theirs.
 */
export const strategy = defineStep({
  name: 'strategy',
  body: z.strictObject({ device: DeviceRef, use: StrategySetting }),
  async run(world, { device, use }) {
    for (const slot of world.slotsFor(device)) slot.setStrategy(use);
    return undefined;
  },
  describe: (b) => `strategy ${describeStrategy(b.use)} on ${on(b.device)}`,
  fuzz: [[2, (f) => f.steps.push({ strategy: { device: f.device(), use: f.pick(STRATEGIES) } })]],
});
