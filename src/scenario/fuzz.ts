import { forkRandom, type Random } from '../core/random';
import { CRASH_POINTS } from '../simulate/fault-model';
import { WRITER_TABLES } from '../simulate/writer-documents';
import { Scenario, type ScenarioInput, type ScenarioSpec } from './schema';

/**
 * Random scenarios for exploration: a few devices of one user (sometimes a second user), random
 * strategies, clock skew, faults, crashes, network changes, and edits aimed at a small pool of
 * records so that devices collide. Everything is drawn from the seed: fuzz seed S, run i always
 * produces the same scenario. Steps that cannot apply are skipped (skipInapplicableSteps).
 * Other writers (`write` steps) join half the runs (insertOtherWriters).
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
  const device = () => pick(targets);
  const steps: NonNullable<ScenarioInput['steps']> = [];
  const stepCount = int(6, 14);
  const fields = (collection: string) =>
    collection === 'health_data'
      ? { value: int(40, 180) }
      : random() < 0.5
        ? { title: `${pick(WORDS)} ${int(1, 99)}` }
        : { content: `${pick(WORDS)} ${pick(WORDS)}`, mood: pick(WORDS) };
  const record = (owner: string) => {
    const r = pick(RECORDS);
    // Record ids are global: the second user gets ids of its own.
    return { collection: r.collection, id: owner.startsWith('other/') ? `o-${r.id}` : r.id };
  };
  const choices: Array<[number, () => void]> = [
    [
      20,
      () => {
        const d = device();
        steps.push({ create: { device: d, ...record(d), fields: {} } });
      },
    ],
    [
      25,
      () => {
        const d = device();
        const r = record(d);
        steps.push({ update: { device: d, ...r, fields: fields(r.collection) } });
      },
    ],
    [
      8,
      () => {
        const d = device();
        const r = record(d);
        // An edit while the push of an earlier edit is in flight: the lost-update race.
        steps.push({ update: { device: d, ...r, fields: fields(r.collection) } });
        steps.push({ update: { device: d, ...r, fields: fields(r.collection), during: 'push' } });
      },
    ],
    [
      7,
      () => {
        const d = device();
        steps.push({ delete: { device: d, ...record(d) } });
      },
    ],
    [
      8,
      () =>
        steps.push({
          offline: { device: device(), mode: random() < 0.15 ? 'blackhole' : 'refuse' },
        }),
    ],
    [8, () => steps.push({ online: device() })],
    [
      4,
      () =>
        steps.push({
          flaky: {
            device: device(),
            dropRate: Math.round(random() * 30) / 100,
            latency: int(0, 30),
          },
        }),
    ],
    [
      6,
      () =>
        steps.push({
          faults: {
            device: device(),
            failRate: Math.round(random() * 30) / 100,
            ackLostRate: Math.round(random() * 40) / 100,
          },
        }),
    ],
    // A crash is armed, then usually the device syncs into it (else it dies during the heal).
    [
      6,
      () => {
        const d = device();
        steps.push({
          crash: { device: d, at: pick(CRASH_POINTS.filter((p) => p !== 'after-upload')) },
        });
        if (random() < 0.7) steps.push({ sync: d });
      },
    ],
    [15, () => steps.push({ sync: random() < 0.3 ? 'all' : device() })],
    [8, () => steps.push({ advance: `${int(1, 120)}m` })],
    [2, () => steps.push({ strategy: { device: device(), use: pick(STRATEGIES) } })],
  ];
  const total = choices.reduce((n, [w]) => n + w, 0);
  while (steps.length < stepCount) {
    let draw = random() * total;
    for (const [weight, make] of choices) {
      draw -= weight;
      if (draw < 0) {
        make();
        break;
      }
    }
  }
  insertOtherWriters(steps, forkRandom(fuzzSeed, `fuzz/${run}/writers`), withSecondUser);
  return {
    name: `fuzz ${fuzzSeed} #${run}`,
    seed: int(1, 2 ** 31 - 2),
    strategy,
    files: false,
    background: pick([0, '15m']),
    deadline: '600ms',
    askUserDefault: pick(['local', 'remote', 'merge'] as const),
    skipInapplicableSteps: true,
    users,
    steps,
  };
}

type StepInput = NonNullable<ScenarioInput['steps']>[number];

/**
 * The other-writer actor: in half the runs, one or two `write` steps at random places (a client
 * of the user with the rules enforced, or firebase-admin; in bulk, one by one, at a rate, or in
 * the background while the devices go on). Drawn from a stream of their own and inserted into
 * the steps drawn above, so every run's device steps stay what they were before this actor.
 */
function insertOtherWriters(steps: StepInput[], random: Random, withSecondUser: boolean): void {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (random() >= 0.5) return;
  const count = random() < 0.3 ? 2 : 1;
  for (let n = 0; n < count; n += 1) {
    const as = random() < 0.7 ? 'client' : 'admin';
    const body: Record<string, unknown> = {
      user: withSecondUser && random() < 0.2 ? 'other' : 'fuzz',
      as,
      collection: pick(WRITER_TABLES),
      format: as === 'client' ? 'wire' : pick(['wire', 'wire', 'original', 'malformed']),
    };
    if (random() < 0.15) {
      Object.assign(body, { count: 2 + Math.floor(random() * 11), rate: '6/h' });
    } else {
      const bulk = as === 'client' ? [1, 20, 100, 300] : [1, 50, 1000];
      const each = random() < 0.15;
      Object.assign(body, {
        count: each ? Math.min(20, pick(bulk)) : pick(bulk),
        commit: each ? 'each' : 'one',
      });
      if (random() < 0.6) Object.assign(body, { wait: false, headStart: pick([0, '1s', '2s']) });
    }
    steps.splice(Math.floor(random() * (steps.length + 1)), 0, { write: body } as StepInput);
  }
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
  const tryCandidate = async (candidate: ScenarioInput) => {
    if (attempts >= budget) return false;
    attempts += 1;
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
