import { z } from 'zod';
import { StorageManager } from '../../files/storage-manager';
import { DeviceRef, Duration, formatMs, on } from './fields';
import { defineStep } from './step-kind';

/** `cleanup`: the app's retention cleanup removes synced sensor records older than this. */
export const cleanup = defineStep({
  name: 'cleanup',
  body: z.strictObject({ device: DeviceRef, olderThan: Duration }),
  async run(world, { device, olderThan }) {
    for (const slot of world.slotsFor(device)) {
      const manager = new StorageManager(
        slot.device.opened.database,
        slot.device.folders,
        slot.clock,
        slot.options.defects,
      );
      const result = await manager.clearOldData(olderThan / 86_400_000);
      slot.cleanupCutoffs.push(result.cutoff);
      world.event(slot, 'cleanup', `retention removed ${result.deletedCount} record(s)`);
    }
    return undefined;
  },
  describe: (b) => `cleanup older than ${formatMs(b.olderThan)} on ${on(b.device)}`,
});
