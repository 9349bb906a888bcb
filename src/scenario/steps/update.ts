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
    // The record can vanish between the step's start and the edit (the pass's own pull applies a
    // delete made elsewhere): then the edit cannot be made, and the step says so instead of
    // ending the run (soak seed 20261130 run 440).
    let vanished = false;
    const edit = async () => {
      if (!slot.reader.row(collection, id)) {
        vanished = true;
        return;
      }
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
    const gone = `skipped: ${collection}/${id} was gone from ${slot.key} when the edit was to be made (a pull applied its delete)`;
    if (during === undefined) return void (await edit());
    if (during !== 'push') {
      const note = await runMidPush(world, [slot], during, edit);
      return vanished ? gone : note;
    }
    let edited = false;
    slot.device.injector.duringNextPush(collection, async () => {
      edited = true;
      await edit();
    });
    await world.sync([slot]);
    slot.device.injector.duringNextPush(collection, null);
    if (!edited) {
      await edit();
      return vanished ? gone : 'no push was in flight; edited after the pass';
    }
    return vanished ? gone : undefined;
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
