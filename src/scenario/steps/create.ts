import { z } from 'zod';
import { Collection, Fields, RecordId } from './fields';
import { defineStep } from './step-kind';

/** `create`: one device creates a record with this id (generated values, then these fields). */
export const create = defineStep({
  name: 'create',
  body: z.strictObject({
    device: z.string().min(1),
    collection: Collection,
    id: RecordId,
    fields: Fields.default({}),
  }),
  async run(world, { device, collection, id, fields }, index) {
    const slot = world.slotsFor(device)[0];
    if (slot.reader.row(collection, id))
      return `skipped: ${collection}/${id} already exists on ${slot.key}`;
    const values = {
      ...(await slot.device.generator.record(collection, slot.clock.now())),
      ...fields,
      id,
    };
    const ids = await slot.device.sync.store.create(collection, [values as never]);
    world.created(slot, index, collection, ids);
    return undefined;
  },
  describe: (b) => `create ${b.collection}/${b.id} on ${b.device}`,
  fuzz: [
    [
      20,
      (f) => {
        const d = f.device();
        f.steps.push({ create: { device: d, ...f.record(d), fields: {} } });
      },
    ],
  ],
});
