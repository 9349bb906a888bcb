import { z } from 'zod';
import { PUSH_MOMENTS } from '../../simulate/push-trigger';
import type { DeviceSlot } from '../device-slot';
import { Collection } from './fields';
import type { StepWorld } from './step-kind';

/**
 * `during: { push: text_notes, batch: 2, when: after-ack }`: the step happens while the device's
 * push of that collection is in flight, at its commit number `batch` (1 = the first), before that
 * commit is sent or right after its reply arrives (src/simulate/push-trigger.ts). The step runs
 * one sync pass of its device(s) to get there. If the push never reaches that point (fewer
 * commits, a failed commit, a lost reply), the step is skipped and says so.
 */
export const MidPush = z
  .strictObject({
    push: Collection,
    batch: z.number().int().min(1).default(1),
    when: z.enum(PUSH_MOMENTS).default('before-commit'),
  })
  .meta({
    description:
      "While the device's push of this collection is in flight: at its commit number `batch` (1 = first), before it is sent or after it is acknowledged. The step runs the device's sync pass to get there; if that point is never reached the step is skipped with the reason.",
  });
export type MidPushSpec = z.output<typeof MidPush>;

export const describeMidPush = (d: MidPushSpec) =>
  ` during push of ${d.push} (commit ${d.batch}, ${d.when})`;

/**
 * Arms `action` at the mid-push point on each device, runs their sync pass, and says what
 * happened: undefined when it fired on every device, a `skipped: …` note when on none.
 */
export async function runMidPush(
  world: StepWorld,
  slots: DeviceSlot[],
  during: MidPushSpec,
  action: (slot: DeviceSlot) => Promise<void>,
): Promise<string | undefined> {
  // The injectors of the lives that run the pass (a crash during it opens a new device).
  const injectors = slots.map((slot) => slot.device.injector);
  for (const [i, slot] of slots.entries())
    injectors[i].atPush({
      table: during.push,
      batch: during.batch,
      when: during.when,
      action: () => action(slot),
    });
  await world.sync(slots);
  const missed: string[] = [];
  for (const [i, slot] of slots.entries()) {
    const report = injectors[i].atPush(null);
    if (report.fired) continue;
    missed.push(
      `${slot.key} sent ${report.sent} commit(s) of ${during.push}, ${report.acked} acknowledged`,
    );
  }
  if (missed.length === 0) return undefined;
  const why = `commit ${during.batch} (${during.when}) of the ${during.push} push never came: ${missed.join('; ')}`;
  return missed.length === slots.length ? `skipped: ${why}` : `fired on some devices only: ${why}`;
}
