import { z } from 'zod';
import { CRASH_POINTS } from '../../simulate/fault-model';
import { DeviceRef, on } from './fields';
import { defineStep } from './step-kind';

/** `crash`: arms a crash point; the device's process dies there in a later sync and restarts. */
export const crash = defineStep({
  name: 'crash',
  body: z.strictObject({ device: DeviceRef, at: z.enum(CRASH_POINTS) }),
  async run(world, { device, at }) {
    for (const slot of world.slotsFor(device)) slot.device.injector.arm(at);
    return undefined;
  },
  describe: (b) => `crash ${on(b.device)} at ${b.at}`,
  // A crash is armed, then usually the device syncs into it (else it dies during the heal).
  fuzz: [
    [
      6,
      (f) => {
        const d = f.device();
        f.steps.push({
          crash: { device: d, at: f.pick(CRASH_POINTS.filter((p) => p !== 'after-upload')) },
        });
        if (f.random() < 0.7) f.steps.push({ sync: d });
      },
    ],
  ],
});
