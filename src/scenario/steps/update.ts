import { z } from 'zod';
import { describeMidPush, MidPush, runMidPush } from './during-push';
import { Collection, RecordId } from './fields';
import { describeLarge, largeFieldValues, literalFields, WriteFields } from './large-value';
import { insertMidPushSteps } from './mid-push-fuzz';
import { defineStep } from './step-kind';

/** `update`: one device edits a record it has, now or while its next push is in flight. */
export const update = defineStep({
  name: 'update',
  body: z.strictObject({
    device: z.string().min(1),
    collection: Collection,
    id: RecordId,
    fields: WriteFields.refine((f) => Object.keys(f).length > 0, 'name at least one field'),
    /**
     * `push`: the edit is made while this device's next push of the collection is in flight
     * (before its first commit); `{ push, batch, when }`: at a given commit of a push.
     */
    during: z.union([z.literal('push'), MidPush]).optional(),
  }),
  async run(world, { device, collection, id, fields, during }, index) {
    const slot = world.slotsFor(device)[0];
    if (!slot.reader.row(collection, id))
      return `skipped: ${collection}/${id} is not on ${slot.key}`;
    const edit = async () => {
      // Large values are sized against the record as it stands when the edit is made.
      const literal = literalFields(fields);
      const values = {
        ...literal,
        ...largeFieldValues({
          fields,
          table: collection,
          id,
          deviceId: slot.options.deviceId,
          row: { ...slot.reader.row(collection, id), ...literal },
          seed: world.seed,
          step: index,
        }),
      };
      await slot.device.sync.store.update(collection, id, values as never);
      world.recordWrite(slot, index, collection, id, 'update', values);
    };
    if (during === undefined) return void (await edit());
    if (during !== 'push') return runMidPush(world, [slot], during, edit);
    let edited = false;
    slot.device.injector.duringNextPush(collection, async () => {
      edited = true;
      await edit();
    });
    await world.sync([slot]);
    slot.device.injector.duringNextPush(collection, null);
    if (!edited) {
      await edit();
      return 'no push was in flight; edited after the pass';
    }
    return undefined;
  },
  describe: (b) =>
    `update ${b.collection}/${b.id} on ${b.device}${describeLarge(b.fields)}${b.during === 'push' ? ' during push' : b.during ? describeMidPush(b.during) : ''}`,
  fuzz: [
    [
      25,
      (f) => {
        const d = f.device();
        const r = f.record(d);
        f.steps.push({ update: { device: d, ...r, fields: f.fields(r.collection) } });
      },
    ],
    [
      8,
      (f) => {
        const d = f.device();
        const r = f.record(d);
        // An edit while the push of an earlier edit is in flight: the lost-update race.
        f.steps.push({ update: { device: d, ...r, fields: f.fields(r.collection) } });
        f.steps.push({
          update: { device: d, ...r, fields: f.fields(r.collection), during: 'push' },
        });
      },
    ],
  ],
  // Mid-push events of every kind (this one among them): an actor with a stream of its own.
  fuzzActor: { stream: 'mid-push', insert: insertMidPushSteps },
});
