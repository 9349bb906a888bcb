import { z } from 'zod';
import { forkRandom, type Random } from '../../core/random';
import { DATA_TABLES, type DataTable } from '../../db/schema-current';
import type { DeviceSlot } from '../device-slot';
import { DeviceRef, Duration, formatMs, on, Rate } from './fields';
import { record } from './generate';
import { defineStep, type StepWorld } from './step-kind';

/**
 * `churn`: for a span of time, devices use the app as a person does while offline — they record
 * new records and edit and delete records they already had, each at its own rate, while
 * background sync keeps running (`run --edit-rate/--delete-rate` is this step).
 *
 * The records edited are drawn from those every device holds when the step starts, on one
 * stream shared by the devices: at each edit every device edits the SAME record (each with values
 * of its own), so devices that sync later meet each other's edits as conflicts. Each device
 * deletes records of its own choosing from the same set, so an edit elsewhere can meet a delete.
 * Edits and deletes go through the device's store and queue, as the `update` and `delete` steps do.
 */
export const churn = defineStep({
  name: 'churn',
  body: z
    .strictObject({
      device: DeviceRef,
      for: Duration.refine((ms) => ms > 0, 'a duration longer than 0'),
      /** New records each device makes, per time (as `generate` at a rate); none: 0. */
      create: Rate.optional(),
      /** Edits of existing records each device makes, per time. */
      edit: Rate.optional(),
      /** Deletes of existing records each device makes, per time. */
      delete: Rate.optional(),
    })
    .refine(
      (c) => c.create !== undefined || c.edit !== undefined || c.delete !== undefined,
      'give at least one of create, edit, delete',
    ),
  async run(world, body, index) {
    const chosen = world.slotsFor(body.device);
    const pool = existingRecords(chosen);
    const shared = forkRandom(world.seed, `churn/${index}/edit`);
    const own = new Map(
      chosen.map((slot) => [slot, forkRandom(world.seed, `churn/${index}/${slot.key}`)]),
    );
    const creating = forkRandom(world.seed, `churn/${index}/create`);
    const made = { create: 0, edit: 0, delete: 0 };
    const due = (rate: number | undefined, elapsed: number) =>
      rate === undefined ? 0 : Math.floor(elapsed * rate + 1e-9);
    const whole = await world.passTime(body.for, async (elapsed) => {
      const creates = due(body.create, elapsed) - made.create;
      if (creates > 0) {
        for (const slot of chosen)
          await record(world, slot, {
            step: index,
            table: undefined,
            count: creates,
            first: made.create,
            total: due(body.create, body.for),
            random: creating,
            over: undefined,
          });
        made.create += creates;
      }
      for (; made.edit < due(body.edit, elapsed); made.edit += 1) {
        const target = draw(pool, shared);
        if (!target) break;
        for (const slot of chosen)
          await editOn(world, slot, index, target, own.get(slot)!, made.edit);
      }
      for (; made.delete < due(body.delete, elapsed); made.delete += 1)
        for (const slot of chosen) {
          const target = draw(
            pool.filter((r) => slot.reader.row(r.table, r.id)),
            own.get(slot)!,
          );
          if (!target) continue;
          await slot.device.sync.store.delete(target.table, [target.id]);
          world.recordWrite(slot, index, target.table, target.id, 'delete', {});
          pool.splice(pool.indexOf(target), 1);
        }
    });
    const note = `${made.create} created, ${made.edit} edited, ${made.delete} deleted per device`;
    return whole
      ? pool.length === 0 && body.edit
        ? `${note}; no records left to edit`
        : note
      : `stopped: ${note}`;
  },
  describe: (b) =>
    `churn on ${on(b.device)} for ${formatMs(b.for)}: ${[
      ['create', b.create],
      ['edit', b.edit],
      ['delete', b.delete],
    ]
      .filter(([, rate]) => rate !== undefined)
      .map(([what, rate]) => `${what} ${+((rate as number) * 60_000).toFixed(2)}/min`)
      .join(', ')}`,
});

interface Target {
  table: DataTable;
  id: string;
}

/**
 * The records the devices can edit: those every device holds (so edits meet), or, when the
 * devices share none yet, those any device holds. In table, then id order: a seed picks the same.
 */
function existingRecords(slots: DeviceSlot[]): Target[] {
  const held = slots.map(
    (slot) =>
      new Set(
        DATA_TABLES.flatMap((table) => slot.reader.rows(table).map((r) => `${table}/${r.id}`)),
      ),
  );
  const all = [...new Set(held.flatMap((ids) => [...ids]))].sort();
  const everywhere = all.filter((key) => held.every((ids) => ids.has(key)));
  return (everywhere.length > 0 ? everywhere : all).map((key) => {
    const [table, id] = key.split('/');
    return { table: table as DataTable, id };
  });
}

function draw(pool: Target[], random: Random): Target | undefined {
  return pool.length === 0 ? undefined : pool[Math.floor(random() * pool.length)];
}

/** One device's edit of a record, if it still has it: a field the app lets a person change. */
async function editOn(
  world: StepWorld,
  slot: DeviceSlot,
  step: number,
  target: Target,
  random: Random,
  n: number,
): Promise<void> {
  if (!slot.reader.row(target.table, target.id)) return;
  const values = editValues(target.table, random, `${slot.options.name} ${n + 1}`);
  await slot.device.sync.store.update(target.table, target.id, values as never);
  world.recordWrite(slot, step, target.table, target.id, 'update', values);
}

/** New values for one editable field of a record (no files, no ids, no sync columns). */
export function editValues(
  table: DataTable,
  random: Random,
  label: string,
): Record<string, string | number> {
  switch (table) {
    case 'health_data':
      return { value: Math.round(40 + random() * 140) };
    case 'location_data':
      return { accuracy: Math.round(30 + random() * 320) / 10 };
    case 'voice_notes':
      return { transcription: `edited offline (${label})` };
    case 'text_notes':
      return { content: `edited offline (${label}, ${Math.floor(random() * 1000)})` };
    case 'photo_memories':
      return { caption: `edited offline (${label})` };
  }
}
