import { z } from 'zod';
import { isSettable } from '../device-clock';
import { drawClockJumps } from '../fuzz-settings';
import { DeviceRef, formatMs, on, parseScenarioDuration } from './fields';
import { defineStep } from './step-kind';

/** `-2h`, `90m`, `30s`: a duration that may be negative (a jump back). */
const SignedDuration = z
  .union([
    z.number(),
    z.string().regex(/^-?\d+(\.\d+)?(ms|s|m|h|d)$/, 'a duration like -2h or 90m'),
  ])
  .transform((v) =>
    typeof v === 'number'
      ? v
      : v.startsWith('-')
        ? -parseScenarioDuration(v.slice(1))
        : parseScenarioDuration(v),
  )
  .refine((v) => Number.isFinite(v) && Math.abs(v) <= 366 * 86_400_000, 'a jump of at most a year')
  .meta({ description: 'A signed duration: -2h (back), 90m (forward), or milliseconds.' });

/**
 * `clock`: the user changes a device's time, as on a phone's settings screen: `jump` moves it
 * by a signed duration, `set` to a date and time. Only that device's wall clock moves (the
 * scenario's time does not), and it stays where it was put: later readings go on from there.
 */
export const clock = defineStep({
  name: 'clock',
  body: z
    .strictObject({
      device: DeviceRef,
      /** Move the clock by this much: -2h (back) or 3d (forward). */
      jump: SignedDuration.optional(),
      /** Set the clock to this date and time (ISO, e.g. 2025-12-31T23:00:00Z). */
      set: z.iso.datetime().optional(),
    })
    .superRefine((b, ctx) => {
      if ((b.jump === undefined) === (b.set === undefined))
        ctx.addIssue({
          code: 'custom',
          message: 'give either jump (e.g. -2h) or set (an ISO time)',
        });
    }),
  async run(world, { device, jump, set }) {
    const skipped: string[] = [];
    for (const slot of world.slotsFor(device)) {
      if (!isSettable(slot.clock)) {
        skipped.push(slot.key);
        continue;
      }
      const before = slot.clock.now();
      const delta = jump ?? Date.parse(set!) - before;
      slot.clock.jump(delta);
      world.event(
        slot,
        'clock',
        `clock ${delta < 0 ? 'back' : 'forward'} ${formatMs(Math.abs(delta))} to ${new Date(slot.clock.now()).toISOString()}`,
      );
    }
    return skipped.length > 0 ? `skipped: ${skipped.join(', ')} keep real time` : undefined;
  },
  fuzzActor: {
    stream: 'clock',
    insert: (fuzz, random) => drawClockJumps(fuzz.steps, fuzz.targets, random),
  },
  describe: (b) =>
    `clock ${b.jump !== undefined ? `${b.jump < 0 ? '-' : '+'}${formatMs(Math.abs(b.jump))}` : `set ${b.set}`} on ${on(b.device)}`,
});
