import { z } from 'zod';
import { describeMidPush, MidPush, runMidPush } from './during-push';
import { Collection, RecordId } from './fields';
import {
  describeLarge,
  isLarge,
  largeFieldValues,
  literalFields,
  WriteFields,
} from './large-value';
import { defineStep } from './step-kind';

/**
 * `create`: one device creates a record with this id (generated values, then these fields; a
 * field may be a generated large value, `{ text: 1.2MB }` or `{ fill: -1 }`: ./large-value.ts).
 */
export const create = defineStep({
  name: 'create',
  body: z.strictObject({
    device: z.string().min(1),
    collection: Collection,
    id: RecordId,
    fields: WriteFields.default({}),
    during: MidPush.optional(),
  }),
  async run(world, { device, collection, id, fields, during }, index) {
    const slot = world.slotsFor(device)[0];
    if (slot.reader.row(collection, id))
      return `skipped: ${collection}/${id} already exists on ${slot.key}`;
    const make = async () => {
      // Read at the moment it happens: a create during a push may come after the one it races.
      if (slot.reader.row(collection, id)) return;
      const large = Object.keys(fields).filter((f) => isLarge(fields[f]));
      const values = {
        ...(await slot.device.generator.record(collection, slot.clock.now())),
        ...literalFields(fields),
        ...Object.fromEntries(large.map((f) => [f, ''])),
        id,
      };
      const ids = await slot.device.sync.store.create(collection, [values as never]);
      // Large values are sized against the record as stored (a fill counts every other field).
      if (large.length > 0) {
        const sized = largeFieldValues({
          fields,
          table: collection,
          id,
          deviceId: slot.options.deviceId,
          row: slot.reader.row(collection, id) ?? {},
          seed: world.seed,
          step: index,
        });
        await slot.device.sync.store.update(collection, id, sized as never);
      }
      world.created(slot, index, collection, ids);
    };
    if (!during) return void (await make());
    return runMidPush(world, [slot], during, make);
  },
  describe: (b) =>
    `create ${b.collection}/${b.id} on ${b.device}${describeLarge(b.fields)}${b.during ? describeMidPush(b.during) : ''}`,
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
