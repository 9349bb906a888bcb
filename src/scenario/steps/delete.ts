import { z } from 'zod';
import { Collection, RecordId } from './fields';
import { defineStep } from './step-kind';

/** `delete`: one device deletes a record it has. */
export const remove = defineStep({
  name: 'delete',
  body: z.strictObject({ device: z.string().min(1), collection: Collection, id: RecordId }),
  async run(world, { device, collection, id }, index) {
    const slot = world.slotsFor(device)[0];
    if (!slot.reader.row(collection, id))
      return `skipped: ${collection}/${id} is not on ${slot.key}`;
    await slot.device.sync.store.delete(collection, [id]);
    world.recordWrite(slot, index, collection, id, 'delete', {});
    return undefined;
  },
  describe: (b) => `delete ${b.collection}/${b.id} on ${b.device}`,
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
