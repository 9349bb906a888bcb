import { z } from 'zod';
import { describeMidPush, MidPush, runMidPush } from './during-push';
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
    during: MidPush.optional(),
  }),
  async run(world, { device, collection, id, fields, during }, index) {
    const slot = world.slotsFor(device)[0];
    if (slot.reader.row(collection, id))
      return `skipped: ${collection}/${id} already exists on ${slot.key}`;
    const make = async () => {
      // Read at the moment it happens: a create during a push may come after the one it races.
      if (slot.reader.row(collection, id)) return;
      const values = {
        ...(await slot.device.generator.record(collection, slot.clock.now())),
        ...fields,
        id,
      };
      const ids = await slot.device.sync.store.create(collection, [values as never]);
      world.created(slot, index, collection, ids);
    };
    if (!during) return void (await make());
    return runMidPush(world, [slot], during, make);
  },
  describe: (b) =>
    `create ${b.collection}/${b.id} on ${b.device}${b.during ? describeMidPush(b.during) : ''}`,
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
