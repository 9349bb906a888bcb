import { z } from 'zod';
import type { Random } from '../../core/random';
import { killDuringPass } from '../kill-device';
import { DeviceRef, on } from './fields';
import { defineStep, type FuzzWorld } from './step-kind';

/**
 * Where a `kill` lands: the n-th time the device's sync pass reaches the point. `pull-page`: a
 * pulled page arrived, not yet applied; `commit-sent`: a commit is on the wire; `commit-acked`:
 * its reply came, nothing settled locally; `sql-in-transaction`: a SQL statement about to run
 * inside an open SQLite transaction (a WatermelonDB batch half written: it must roll back).
 */
export const KILL_POINTS = [
  'pull-page',
  'commit-sent',
  'commit-acked',
  'sql-in-transaction',
] as const;

/**
 * `kill`: the device's next sync pass runs in a process of its own and is killed with SIGKILL
 * at a point (src/scenario/kill-device.ts); the device then reopens from its SQLite file and the
 * run goes on. If the pass ends before reaching the point, the step is skipped with the reason.
 */
export const kill = defineStep({
  name: 'kill',
  body: z
    .strictObject({
      device: DeviceRef,
      at: z.enum(KILL_POINTS),
      nth: z.number().int().min(1).default(1),
    })
    .meta({
      description:
        "The device's next sync pass runs in a child process, killed with SIGKILL the nth time it reaches `at`; the device reopens from its database. SQLite devices only (every scenario device is one).",
    }),
  async run(world, { device, at, nth }, index) {
    const missed: string[] = [];
    const slots = world.slotsFor(device);
    for (const slot of slots) {
      const pass = await killDuringPass(slot, { at, nth, delayMs: 0 }, world.seed + index);
      const where = `${at} #${nth}${pass.detail ? ` (before ${pass.detail})` : ''}`;
      world.childPass(
        slot,
        pass.killed ? `killed (SIGKILL) at ${where}; reopened from its database` : null,
      );
      if (!pass.killed) {
        missed.push(`${slot.key}'s pass reached ${at} ${pass.reached} time(s) and ended`);
      }
    }
    if (missed.length === 0) return undefined;
    const why = `never killed at ${at} #${nth}: ${missed.join('; ')}`;
    return missed.length === slots.length
      ? `skipped: ${why}`
      : `killed on some devices only: ${why}`;
  },
  describe: (b) => `kill ${on(b.device)} at ${b.at}${b.nth > 1 ? ` #${b.nth}` : ''}`,
  fuzzActor: { stream: 'kill', insert: insertKill },
});

/**
 * The kill actor: in a fifth of the runs, one real kill at a random place (a child process per
 * kill costs a second or two of start-up, so not more), after something that brings its pass to
 * the point: an edit to push, or for `pull-page` another device's pushed edit to pull. Drawn
 * from a stream of its own and inserted among the steps drawn before, so a seed's other steps
 * stay what they were.
 */
function insertKill(fuzz: FuzzWorld, random: Random): void {
  if (random() >= 0.2) return;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const at = pick(KILL_POINTS);
  const device = pick([
    'fuzz/phone',
    'fuzz/tablet',
    ...(fuzz.withSecondUser ? ['other/phone'] : []),
  ]);
  const nth = at === 'sql-in-transaction' ? 1 + Math.floor(random() * 4) : 1;
  const record = pick([
    { collection: 'text_notes', id: 'n1' },
    { collection: 'health_data', id: 'h1' },
  ]);
  // Who makes the change the pass meets: the device itself, or (to pull) the user's other one.
  const writer =
    at !== 'pull-page' || device === 'other/phone'
      ? device
      : device === 'fuzz/phone'
        ? 'fuzz/tablet'
        : 'fuzz/phone';
  const id = writer.startsWith('other/') ? `o-${record.id}` : record.id;
  const fields =
    record.collection === 'health_data'
      ? { value: 60 + Math.floor(random() * 100) }
      : { title: 'before the kill' };
  const lead: Array<Record<string, unknown>> = [
    { create: { device: writer, collection: record.collection, id, fields: {} } },
    { update: { device: writer, collection: record.collection, id, fields } },
  ];
  if (writer !== device) lead.push({ sync: writer });
  const place = Math.floor(random() * (fuzz.steps.length + 1));
  fuzz.steps.splice(place, 0, ...lead, { kill: { device, at, nth } });
}
