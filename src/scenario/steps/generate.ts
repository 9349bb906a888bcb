import { z } from 'zod';
import { forkRandom, type Random } from '../../core/random';
import type { DataTable } from '../../db/schema-current';
import type { DeviceSlot } from '../device-slot';
import { Collection, DeviceRef, Duration, formatMs, on, Rate } from './fields';
import { insertRecorder } from './recorder-actor';
import { defineStep, type StepWorld } from './step-kind';

/** What a phone records over a few seconds: mostly sensor data, sometimes a note or a photo. */
export const RECORDING_MIX: Array<[DataTable, number]> = [
  ['health_data', 0.5],
  ['location_data', 0.38],
  ['text_notes', 0.07],
  ['voice_notes', 0.025],
  ['photo_memories', 0.025],
];

export function pickWeighted<T>(choices: Array<[T, number]>, draw: number): T {
  let left = draw;
  for (const [choice, weight] of choices) {
    left -= weight;
    if (left < 0) return choice;
  }
  return choices[0][0];
}

/**
 * `generate`: devices record `count` new records (of one collection, or the recording mix), at
 * once or spread over virtual time at a rate while background sync keeps running. `over` dates
 * records made at once back over a span (`run` seeds an empty device with a day of data so).
 */
export const generate = defineStep({
  name: 'generate',
  body: z
    .strictObject({
      device: DeviceRef,
      count: z.number().int().min(1).max(100_000),
      /** Spread over virtual time at this rate (background sync keeps running); none: at once. */
      rate: Rate.optional(),
      collection: Collection.optional(),
      /** Made at once, dated evenly over this span up to now (a day of data); none: all now. */
      over: Duration.optional(),
    })
    .superRefine((g, ctx) => {
      if (g.rate !== undefined && g.over !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['over'],
          message: 'records made at a rate are dated as they are made; leave out over or rate',
        });
    }),
  async run(world, { device, count, rate, collection, over }, index) {
    const chosen = world.slotsFor(device);
    const random = forkRandom(world.seed, `generate/${index}`);
    const make = async (slot: DeviceSlot, n: number, first: number) =>
      record(world, slot, {
        step: index,
        table: collection,
        count: n,
        first,
        random,
        over,
        total: count,
      });
    if (!rate) {
      for (const slot of chosen) await make(slot, count, 0);
      return undefined;
    }
    let made = 0;
    const whole = await world.passTime(Math.ceil(count / rate), async (elapsed) => {
      const due = Math.min(count, Math.floor(elapsed * rate));
      if (due > made) {
        for (const slot of chosen) await make(slot, due - made, made);
        made = due;
      }
    });
    // Cut short (`run` stopped by Ctrl-C): what was made is all; the rest is not made at once.
    if (!whole) return `stopped after ${made} of ${count}`;
    if (made < count) for (const slot of chosen) await make(slot, count - made, made);
    return undefined;
  },
  fuzzActor: { stream: 'recorder', insert: insertRecorder },
  describe: (b) =>
    `generate ${b.count} ${b.collection ?? 'records'} on ${on(b.device)}${b.rate ? ` at ${+(b.rate * 60_000).toFixed(2)}/min` : ''}${b.over ? ` over ${formatMs(b.over)}` : ''}`,
});

export interface Batch {
  step: number;
  table: DataTable | undefined;
  /** Records to make now: numbers first … first + count - 1 of the step's total. */
  count: number;
  first: number;
  total: number;
  random: Random;
  over: number | undefined;
}

/** Records new records on one device, created in one batch per collection. */
export async function record(world: StepWorld, slot: DeviceSlot, batch: Batch): Promise<void> {
  const { step, table, count, first, total, random, over } = batch;
  const rows = new Map<DataTable, Array<Record<string, unknown>>>();
  const now = slot.clock.now();
  // Evenly spaced times ending now, as DataGenerator.records dates a day of data.
  const dated = (n: number) =>
    over === undefined
      ? slot.clock.now()
      : Math.round(now - over + ((n + 1) * over) / Math.max(1, total));
  for (let n = 0; n < count; n += 1) {
    const t = table ?? pickWeighted(RECORDING_MIX, random());
    const values = await slot.device.generator.record(t, dated(first + n));
    const id = `g${step + 1}-${slot.options.userName}-${slot.options.deviceId}-${first + n}`;
    rows.set(t, [...(rows.get(t) ?? []), world.readableIds ? { ...values, id } : values]);
  }
  for (const [t, batch] of rows) {
    const ids = await slot.device.sync.store.create(t, batch as never);
    world.created(slot, step, t, ids);
  }
}
