import { z } from 'zod';
import { describeMidPush, MidPush, runMidPush } from './during-push';
import { Collection, RecordId } from './fields';
import { defineStep } from './step-kind';

/** `delete`: one device deletes a record it has. */
export const remove = defineStep({
  name: 'delete',
  body: z.strictObject({
    device: z.string().min(1),
    collection: Collection,
    id: RecordId,
    during: MidPush.optional(),
  }),
  async run(world, { device, collection, id, during }, index) {
    const slot = world.slotsFor(device)[0];
    if (!slot.reader.row(collection, id))
      return `skipped: ${collection}/${id} is not on ${slot.key}`;
    // Mid-push, the pass's own pull may have removed the record first (as for `update`).
    let vanished = false;
    const remove = async () => {
      if (!slot.reader.row(collection, id)) {
        vanished = true;
        return;
      }
      await slot.device.sync.store.delete(collection, [id]);
      world.recordWrite(slot, index, collection, id, 'delete', {});
    };
    if (!during) return void (await remove());
    const note = await runMidPush(world, [slot], during, remove);
    return vanished
      ? `skipped: ${collection}/${id} was gone from ${slot.key} when the delete was to be made (a pull applied a delete first)`
      : note;
  },
  describe: (b) =>
    `delete ${b.collection}/${b.id} on ${b.device}${b.during ? describeMidPush(b.during) : ''}`,
  fuzz: [
    [
      7,
      (f) => {
        const d = f.device();
        f.steps.push({ delete: { device: d, ...f.record(d) } });
      },
    ],
  ],
});
