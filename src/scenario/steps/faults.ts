import { z } from 'zod';
import { FAULT_KINDS } from '../../simulate/fault-model';
import { DeviceRef, on, Probability } from './fields';
import { defineStep } from './step-kind';

const ByOperation = z.strictObject({
  pull: Probability.default(0),
  push: Probability.default(0),
  upload: Probability.default(0),
});

/** `faults`: devices' calls fail at these rates (above the wire), or land with their reply lost. */
export const faults = defineStep({
  name: 'faults',
  body: z.strictObject({
    device: DeviceRef,
    failRate: z.union([Probability, ByOperation]).default(0),
    ackLostRate: Probability.default(0),
    kinds: z.array(z.enum(FAULT_KINDS)).min(1).default(['unavailable']),
  }),
  async run(world, f) {
    const failRate =
      typeof f.failRate === 'number'
        ? { pull: f.failRate, push: f.failRate, upload: f.failRate }
        : f.failRate;
    for (const slot of world.slotsFor(f.device))
      slot.setFaults({ failRate, kinds: f.kinds, ackLostRate: f.ackLostRate });
    return undefined;
  },
  describe: (b) => `faults on ${on(b.device)}`,
  fuzz: [
    [
      6,
      (f) =>
        f.steps.push({
          faults: {
            device: f.device(),
            failRate: Math.round(f.random() * 30) / 100,
            ackLostRate: Math.round(f.random() * 40) / 100,
          },
        }),
    ],
  ],
});
