import { z } from 'zod';
import { StorageManager } from '../../files/storage-manager';
import type { DeviceSlot } from '../device-slot';
import { describeMidPush, MidPush, runMidPush } from './during-push';
import { DeviceRef, Duration, formatMs, on } from './fields';
import { defineStep } from './step-kind';

/** `cleanup`: the app's retention cleanup removes synced sensor records older than this. */
export const cleanup = defineStep({
  name: 'cleanup',
  body: z.strictObject({ device: DeviceRef, olderThan: Duration, during: MidPush.optional() }),
  async run(world, { device, olderThan, during }) {
    const clean = async (slot: DeviceSlot) => {
      const manager = new StorageManager(
        slot.device.opened.database,
        slot.device.folders,
        slot.clock,
        slot.options.defects,
      );
      const result = await manager.clearOldData(olderThan / 86_400_000);
      slot.cleanupCutoffs.push(result.cutoff);
      world.event(slot, 'cleanup', `retention removed ${result.deletedCount} record(s)`);
    };
    const slots = world.slotsFor(device);
    if (during) return runMidPush(world, slots, during, clean);
    for (const slot of slots) await clean(slot);
    return undefined;
  },
  describe: (b) =>
    `cleanup older than ${formatMs(b.olderThan)} on ${on(b.device)}${b.during ? describeMidPush(b.during) : ''}`,
});
