import { forkRandom } from '../core/random';
import { Scenario, type ScenarioInput, type ScenarioSpec } from './format';
import { drawSettings } from './fuzz-settings';
import { STEP_KINDS } from './steps';
import type { FuzzWorld } from './steps/step-kind';

/**
 * Random scenarios for exploration: a few devices of one user (sometimes a second user), random
 * strategies, clock skew, faults, crashes, network changes, and edits aimed at a small pool of
 * records so that devices collide. Everything is drawn from the seed: fuzz seed S, run i always
 * produces the same scenario. Steps that cannot apply are skipped (skipInapplicableSteps).
 * Each step kind draws its own steps (its `fuzz` weights, src/scenario/steps/); other writers
 * (`write` steps) are an actor of their own that joins half the runs.
 */
const RECORDS = [
  { collection: 'text_notes', id: 'n1' },
  { collection: 'text_notes', id: 'n2' },
  { collection: 'text_notes', id: 'n3' },
  { collection: 'health_data', id: 'h1' },
] as const;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
const STRATEGIES = ['remote-wins', 'local-wins', 'merge', 'ask-user'] as const;

export function generateScenario(fuzzSeed: number, run: number): ScenarioInput {
  const random = forkRandom(fuzzSeed, `fuzz/${run}`);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const deviceCount = int(2, 3);
  const names = ['phone', 'tablet', 'laptop'].slice(0, deviceCount);
  const strategy = pick(STRATEGIES);
  const devices = names.map((id) =>
    random() < 0.3
      ? { id, clockOffset: int(-7200, 7200) * 1000, clockDriftPpm: int(-1000, 1000) }
      : id,
  );
  const users: ScenarioInput['users'] = [{ id: 'fuzz', devices }];
  const withSecondUser = random() < 0.15;
  if (withSecondUser) users.push({ id: 'other', devices: ['phone'] });
  const targets = [...names.map((n) => `fuzz/${n}`), ...(withSecondUser ? ['other/phone'] : [])];
  const fuzz: FuzzWorld = {
    random,
    int,
    pick,
    withSecondUser,
    targets,
    steps: [],
    expect: {},
    device: () => pick(targets),
    fields: (collection) =>
      collection === 'health_data'
        ? { value: int(40, 180) }
        : random() < 0.5
          ? { title: `${pick(WORDS)} ${int(1, 99)}` }
          : { content: `${pick(WORDS)} ${pick(WORDS)}`, mood: pick(WORDS) },
    record: (owner) => {
      const r = pick(RECORDS);
      // Record ids are global: the second user gets ids of its own.
      return { collection: r.collection, id: owner.startsWith('other/') ? `o-${r.id}` : r.id };
    },
  };
  const stepCount = int(6, 14);
  const choices = STEP_KINDS.flatMap((kind) => kind.fuzz ?? []);
  const total = choices.reduce((n, [w]) => n + w, 0);
  while (fuzz.steps.length < stepCount) {
    let draw = random() * total;
    for (const [weight, make] of choices) {
      draw -= weight;
      if (draw < 0) {
        make(fuzz);
        break;
      }
    }
  }
  for (const kind of STEP_KINDS)
    if (kind.fuzzActor)
      kind.fuzzActor.insert(fuzz, forkRandom(fuzzSeed, `fuzz/${run}/${kind.fuzzActor.stream}`));
  drawSdks(users, forkRandom(fuzzSeed, `fuzz/${run}/sdk`));
  const scenario: ScenarioInput = {
    name: `fuzz ${fuzzSeed} #${run}`,
    seed: int(1, 2 ** 31 - 2),
    strategy,
    files: false,
    background: pick([0, '15m']),
    deadline: '600ms',
    askUserDefault: pick(['local', 'remote', 'merge'] as const),
    skipInapplicableSteps: true,
    users,
    steps: fuzz.steps as NonNullable<ScenarioInput['steps']>,
    ...(Object.keys(fuzz.expect).length > 0 && {
      expect: fuzz.expect as NonNullable<ScenarioInput['expect']>,
    }),
  };
  drawSettings(scenario, forkRandom(fuzzSeed, `fuzz/${run}/settings`));
  return scenario;
}

/**
 * Half the devices sync through the app's own SDK (rules enforced), half through firebase-admin,
 * drawn from a stream of their own: everything else a seed and run drew before is unchanged.
 */
function drawSdks(users: ScenarioInput['users'], random: () => number): void {
  for (const user of users)
    user.devices = user.devices.map((device) => {
      if (random() >= 0.5) return device;
      return { ...(typeof device === 'string' ? { id: device } : device), sdk: 'client' as const };
    });
}

export function parseGenerated(input: ScenarioInput): ScenarioSpec {
  return Scenario.parse(input) as ScenarioSpec;
}

/**
 * Shrinks a failing scenario: drops chunks of steps (halves, then quarters, … then single
 * steps), then devices no step needs, then clock skew, keeping each change only if the
 * scenario still fails. `stillFails` replays it; `budget` caps the replays.
 */
export async function shrinkScenario(
  input: ScenarioInput,
  stillFails: (candidate: ScenarioInput) => Promise<boolean>,
  budget = 60,
): Promise<{ scenario: ScenarioInput; attempts: number }> {
  let current = structuredClone(input);
  let attempts = 0;
  const tryCandidate = async (proposed: ScenarioInput) => {
    if (attempts >= budget) return false;
    attempts += 1;
    const candidate = withoutOrphanParked(proposed);
    try {
      Scenario.parse(candidate);
    } catch {
      return false;
    }
    if (await stillFails(candidate)) {
      current = candidate;
      return true;
    }
    return false;
  };

  for (
    let chunk = Math.ceil((current.steps?.length ?? 0) / 2);
    chunk >= 1;
    chunk = Math.floor(chunk / 2)
  ) {
    for (let start = 0; start < (current.steps?.length ?? 0); ) {
      const steps = current.steps ?? [];
      const candidate = {
        ...current,
        steps: [...steps.slice(0, start), ...steps.slice(start + chunk)],
      };
      if (!(await tryCandidate(candidate))) start += chunk;
    }
    if (chunk === 1) break;
  }
  for (const [u, user] of current.users.entries()) {
    for (const device of [...user.devices]) {
      const id = typeof device === 'string' ? device : device.id;
      const used = JSON.stringify(current.steps ?? []).includes(`${user.id}/${id}`);
      if (used || user.devices.length === 1) continue;
      const users = structuredClone(current.users);
      users[u].devices = users[u].devices.filter((d) => (typeof d === 'string' ? d : d.id) !== id);
      await tryCandidate({ ...current, users });
    }
  }
  for (const [u, user] of current.users.entries()) {
    for (const [d, device] of user.devices.entries()) {
      if (typeof device === 'string') continue;
      const users = structuredClone(current.users);
      users[u].devices[d] = device.id;
      await tryCandidate({ ...current, users });
    }
  }
  return { scenario: current, attempts };
}

/**
 * A shrink candidate that lost the step creating a record the fuzzer expects parked would fail
 * `expectations` for that alone ("not parked there"), a failure of the shrinking, not of the
 * engine: such an expectation goes with its step. (Seen: a run shrunk to 0 steps this way.)
 */
function withoutOrphanParked(candidate: ScenarioInput): ScenarioInput {
  const parked = candidate.expect?.parked;
  if (!parked || parked.length === 0) return candidate;
  const created = new Set(
    (candidate.steps ?? []).flatMap((step) => {
      const body = (step as { create?: { collection: string; id: string } }).create;
      return body ? [`${body.collection}/${body.id}`] : [];
    }),
  );
  const kept = parked.filter((p) => created.has(`${p.collection}/${p.id}`));
  if (kept.length === parked.length) return candidate;
  return { ...candidate, expect: { ...candidate.expect, parked: kept } };
}
