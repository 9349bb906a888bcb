import { z } from 'zod';
import type { Random } from '../../core/random';
import { StorageManager } from '../../files/storage-manager';
import type { DeviceSlot } from '../device-slot';
import { describeMidPush, MidPush, runMidPush } from './during-push';
import { DeviceRef, Duration, formatMs, on } from './fields';
import { defineStep, type FuzzWorld } from './step-kind';

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
  fuzzActor: { stream: 'cleanup', insert: insertCleanup },
  describe: (b) =>
    `cleanup older than ${formatMs(b.olderThan)} on ${on(b.device)}${b.during ? describeMidPush(b.during) : ''}`,
});

/**
 * The retention actor: in a fifth of the runs, what a phone meets when it is offline for hours —
 * readings pile up unsynced, the clock moves past the retention age, the app's cleanup runs, and
 * only then the network returns. A cleanup that removes unsynced records loses them here (the
 * mid-push actor's cleanups meet records made minutes before, too young to be removed). Drawn
 * from a stream of its own and inserted among the steps drawn before.
 */
function insertCleanup(fuzz: FuzzWorld, random: Random): void {
  if (random() >= 0.2) return;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const device = pick([
    'fuzz/phone',
    'fuzz/tablet',
    ...(fuzz.withSecondUser ? ['other/phone'] : []),
  ]);
  const place = Math.floor(random() * (fuzz.steps.length + 1));
  fuzz.steps.splice(
    place,
    0,
    { offline: device },
    {
      generate: {
        device,
        count: 2 + Math.floor(random() * 5),
        collection: pick(['health_data', 'location_data']),
      },
    },
    { advance: pick(['2h', '6h']) },
    { cleanup: { device, olderThan: pick(['1h', '90m']) } },
    { online: device },
  );
}
