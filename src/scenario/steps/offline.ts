import { z } from 'zod';
import type { Random } from '../../core/random';
import { describeMidPush, MidPush, runMidPush } from './during-push';
import { DeviceRef, on, shorthand } from './fields';
import { defineStep, type FuzzWorld } from './step-kind';

/**
 * `offline`: devices lose the network: connection refused, or a black hole that never answers.
 * A black hole keeps open connections open and holds what is sent into it, delivering it when it
 * ends (a write whose client gave up may still land); `cut: true` is the harsher kind that cuts
 * the open connections when it begins and swallows whatever is sent.
 */
export const offline = defineStep({
  name: 'offline',
  body: shorthand(
    z
      .strictObject({
        device: DeviceRef,
        mode: z.enum(['refuse', 'blackhole']).default('refuse'),
        cut: z.boolean().optional(),
        during: MidPush.optional(),
      })
      .refine((b) => !b.cut || b.mode === 'blackhole', {
        message: '`cut` applies to `mode: blackhole` only',
        path: ['cut'],
      }),
  ),
  async run(world, { device, mode, cut, during }) {
    const slots = world.slotsFor(device);
    if (during)
      return runMidPush(world, slots, during, (slot) => world.setMode(slot, mode, { cut }));
    for (const slot of slots) await world.setMode(slot, mode, { cut });
    return undefined;
  },
  describe: (b) =>
    `offline (${b.mode}${b.cut ? ', cut' : ''}) ${on(b.device)}${b.during ? describeMidPush(b.during) : ''}`,
  fuzz: [
    [
      8,
      (f) =>
        f.steps.push({
          offline: { device: f.device(), mode: f.random() < 0.15 ? 'blackhole' : 'refuse' },
        }),
    ],
  ],
  fuzzActor: { stream: 'blackhole-cut', insert: drawCutHoles },
});

/**
 * A third of the black holes drawn are the cutting kind, from a stream of their own: the device
 * steps every seed drew before stay what they were.
 */
function drawCutHoles(fuzz: FuzzWorld, random: Random): void {
  for (const step of fuzz.steps) {
    const body = step.offline as { mode?: string; cut?: boolean } | undefined;
    if (body?.mode === 'blackhole' && random() < 1 / 3) body.cut = true;
  }
}
