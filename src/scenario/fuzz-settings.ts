import type { Random } from '../core/random';
import type { ScenarioInput } from './format';

/**
 * The fuzzer's draws of settings (engine knobs, per-collection strategies) and of generated large
 * values, from a stream of their own (`fuzz/<run>/settings`): applied to a scenario already drawn,
 * so every run's steps and devices stay what they were before these draws existed.
 */
const STRATEGIES = ['remote-wins', 'local-wins', 'merge', 'ask-user'] as const;
/** Documents other writers put on the server: above this, pages of one cost minutes. */
const SMALL_PAGES_UP_TO = 120;

export function drawSettings(scenario: ScenarioInput, random: Random): void {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const steps = (scenario.steps ?? []) as Array<Record<string, Record<string, unknown>>>;
  const written = steps.reduce((n, s) => n + Number(s.write?.count ?? 0), 0);
  const pages = written <= SMALL_PAGES_UP_TO ? [1, 2, 3, 7] : [50, 200];
  // Small pages and batches sometimes: the edges (a page of one, a commit of one) most of all.
  if (random() < 0.3) {
    scenario.pageSize = pick(pages);
    scenario.batchSize = pick([1, 1, 2, 3, 500]);
    scenario.commitsInFlight = pick([1, 2, 4, 8]);
  }
  const devices = scenario.users.flatMap((u, ui) => u.devices.map((_, di) => [ui, di] as const));
  if (random() < 0.15) {
    const [u, d] = pick(devices);
    const device = scenario.users[u].devices[d];
    scenario.users[u].devices[d] = {
      ...(typeof device === 'string' ? { id: device } : device),
      pageSize: pick(pages),
      batchSize: pick([1, 2, 500]),
    };
  }
  // A strategy per collection: the fuzzer's records are notes and health readings.
  if (random() < 0.25)
    scenario.strategy = { text_notes: pick(STRATEGIES), health_data: pick(STRATEGIES) };
  if (random() < 0.1) {
    const [u, d] = pick(devices);
    const device = scenario.users[u].devices[d];
    scenario.users[u].devices[d] = {
      ...(typeof device === 'string' ? { id: device } : device),
      strategy: { [pick(['text_notes', 'health_data'])]: pick(STRATEGIES) },
    };
  }
  for (const step of steps)
    if (step.strategy && random() < 0.3)
      step.strategy.use = { [pick(['text_notes', 'health_data'])]: step.strategy.use };
  // A large note now and then: under the document limit only, since a record rightly parked
  // over it fails the heal's drained check (until the heal leaves such records alone).
  // Not a note the expectations name (the expect actor's oversized one must stay oversized).
  const named = new Set((scenario.expect?.parked ?? []).map((p) => `${p.collection}/${p.id}`));
  const notes = steps.filter((s) => {
    const body = s.create ?? s.update;
    return body?.collection === 'text_notes' && !named.has(`text_notes/${body.id}`);
  });
  if (notes.length > 0 && random() < 0.12) {
    const body = pick(notes);
    const edit = (body.create ?? body.update) as { fields?: Record<string, unknown> };
    edit.fields = {
      ...edit.fields,
      content:
        random() < 0.3
          ? // A margin later edits (a title, a mood) cannot use up: at 1 byte under the limit, an
            // update adding a title parked the note as too large (soak of seed 20261130, run 554).
            { fill: -pick([4096, 65_536]) }
          : { text: pick(['20KB', '300KB', '900KB']) },
    };
  }
}

/** A clock jump now and then: back or forward, by a little or by hours, or set outright. */
export function drawClockJumps(
  steps: Array<Record<string, unknown>>,
  targets: readonly string[],
  random: Random,
): void {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (random() >= 0.25) return;
  const count = random() < 0.3 ? 2 : 1;
  for (let n = 0; n < count; n += 1) {
    const body =
      random() < 0.8
        ? { device: pick(targets), jump: pick(['-3h', '-2h', '-30m', '-1m', '45m', '1d']) }
        : { device: pick(targets), set: pick(['2025-12-31T20:00:00Z', '2026-01-02T08:00:00Z']) };
    steps.splice(Math.floor(random() * (steps.length + 1)), 0, { clock: body });
  }
}
