import { z } from 'zod';
import type { Random } from '../../core/random';
import { userShorthand } from './fields';
import { defineStep, type FuzzWorld } from './step-kind';

const Body = userShorthand(
  z.strictObject({
    user: z.string().min(1).meta({ description: 'A user of the scenario, or all.' }),
  }),
);

/**
 * `purge`: the server's tombstone purge job runs (src/adapters/tombstone-purge.ts, firebase-admin):
 * it removes a user's tombstones that every registered device reports to have pulled. A device
 * that claims more than it pulled never learns of the deletes purged under it.
 */
export const purge = defineStep({
  name: 'purge',
  body: Body,
  async run(world, { user }) {
    const users = world.users.filter((u) => user === 'all' || u.name === user);
    if (users.length === 0)
      throw new Error(
        `purge: no user "${user}" in this scenario (users: ${world.users.map((u) => u.name).join(', ')}, or all)`,
      );
    const notes: string[] = [];
    for (const u of users) {
      const result = await world.writers.purgeTombstones(u.realId);
      const purged = Object.values(result.purged).reduce((n, c) => n + (c ?? 0), 0);
      notes.push(
        `${u.name}: ${purged} tombstone(s) purged, ${result.devices} device(s) registered`,
      );
      const slot = world.slotsFor('all').find((s) => s.options.userName === u.name);
      if (slot) world.event(slot, 'cleanup', `tombstone purge removed ${purged} tombstone(s)`);
    }
    return notes.join('; ');
  },
  describe: (b) => `purge tombstones of ${b.user === 'all' ? 'every user' : b.user}`,
  fuzzActor: { stream: 'purge', insert: insertPurge },
});

/**
 * The purge actor: in a fifth of the runs, a delete another device has pulled the record for,
 * then the purge job, then that device's next pass (which must learn of the delete), inserted
 * among the steps drawn before. Server times are real, so in a run of seconds only a device that
 * claims more than it pulled lets the purge remove anything.
 */
function insertPurge(fuzz: FuzzWorld, random: Random): void {
  if (random() >= 0.2) return;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const [deleter, reader] =
    random() < 0.5 ? ['fuzz/phone', 'fuzz/tablet'] : ['fuzz/tablet', 'fuzz/phone'];
  const record = pick([
    { collection: 'text_notes', id: 'n2' },
    { collection: 'health_data', id: 'h1' },
  ]);
  const place = Math.floor(random() * (fuzz.steps.length + 1));
  fuzz.steps.splice(
    place,
    0,
    { create: { device: deleter, ...record, fields: {} } },
    { sync: deleter },
    { sync: reader },
    { delete: { device: deleter, ...record } },
    { sync: deleter },
    { purge: 'fuzz' },
    { sync: reader },
  );
}
