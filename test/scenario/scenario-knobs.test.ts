import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { forkRandom } from '../../src/core/random';
import { utf8ByteLength } from '../../src/core/utf8';
import { describeStep } from '../../src/scenario/describe-step';
import { DeviceClock } from '../../src/scenario/device-clock';
import { overlayStrategy } from '../../src/scenario/device-settings';
import { generateScenario, parseGenerated } from '../../src/scenario/fuzz';
import { parseScenarioText, ScenarioFileError } from '../../src/scenario/load-scenario';
import { runScenario, type ScenarioRunOptions } from '../../src/scenario/run-scenario';
import { generatedText } from '../../src/scenario/steps/large-value';
import { scenarioEndpoints } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Knobs a scenario sets (pull page size, push batch size, commits in flight), per-collection
 * strategies, a device's clock changed by the user mid-run, generated large values and the
 * readable ids of generated records: their format, and runs on the real emulators.
 */
const HEADER = 'name: t\nusers:\n  - id: alice\n    devices: [phone, tablet]\n';

function problemsOf(text: string) {
  try {
    parseScenarioText(text, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioFileError);
    return (error as ScenarioFileError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('the scenario was accepted');
}

describe('the format', () => {
  it('takes knobs at the top and per device, and refuses what the engine or Firestore cannot do', () => {
    const s = parseScenarioText(
      'name: t\npageSize: 2\nbatchSize: 1\ncommitsInFlight: 1\nusers:\n  - id: alice\n    devices: [phone, { id: tablet, batchSize: 500, commitsInFlight: 8 }]\n',
    );
    expect([s.pageSize, s.batchSize, s.commitsInFlight]).toEqual([2, 1, 1]);
    expect(s.users[0].devices[1]).toMatchObject({ batchSize: 500, commitsInFlight: 8 });
    expect(problemsOf('name: t\nbatchSize: 501\nusers: [{ id: a, devices: [p] }]\n')).toEqual([
      'batchSize: must be 1 to 500 (a Firestore commit holds at most 500 writes); got 501',
    ]);
    expect(
      problemsOf(
        'name: t\npageSize: 0\nusers: [{ id: a, devices: [{ id: p, commitsInFlight: 1.5 }] }]\n',
      ),
    ).toEqual([
      'pageSize: must be 1 to 10000 (a page is held in memory and applied in one local transaction); got 0',
      'users[0].devices[0].commitsInFlight: must be a whole number; got 1.5',
    ]);
  });

  it('takes a strategy per collection at the top, per device and in the strategy step', () => {
    const s = parseScenarioText(
      `name: t\nstrategy: { text_notes: merge, health_data: local-wins }\nusers:\n  - id: alice\n    devices: [phone, { id: tablet, strategy: { text_notes: ask-user } }]\nsteps:\n  - strategy: { device: phone, use: { health_data: remote-wins } }\n  - strategy: { device: tablet, use: merge }\n`,
    );
    expect(s.strategy).toEqual({ text_notes: 'merge', health_data: 'local-wins' });
    expect(s.steps.map((step, i) => describeStep(step, i))).toEqual([
      '#1 strategy health_data: remote-wins on phone',
      '#2 strategy merge on tablet',
    ]);
    expect(problemsOf(`${HEADER}strategy: { notes: merge }\n`)[0]).toMatch(/^strategy/);
    expect(problemsOf(`${HEADER}strategy: { text_notes: newest }\n`)[0]).toMatch(/^strategy/);
  });

  it('overlays a map on what a device had: only the collections it names change', () => {
    expect(overlayStrategy('merge', { health_data: 'local-wins' })).toMatchObject({
      text_notes: 'merge',
      health_data: 'local-wins',
      voice_notes: 'merge',
    });
    expect(overlayStrategy({ text_notes: 'merge' }, 'local-wins')).toBe('local-wins');
    expect(overlayStrategy({ text_notes: 'merge' }, { text_notes: 'remote-wins' })).toBe(
      'remote-wins',
    );
    expect(overlayStrategy({ text_notes: 'merge' }, undefined)).toEqual({ text_notes: 'merge' });
  });

  it('takes clock jumps and settings, and refuses a step that says neither or both', () => {
    const s = parseScenarioText(
      `${HEADER}steps:\n  - clock: { device: phone, jump: -2h }\n  - clock: { device: all, jump: 90m }\n  - clock: { device: tablet, set: '2025-12-31T23:00:00Z' }\n`,
    );
    expect(s.steps.map((step, i) => describeStep(step, i))).toEqual([
      '#1 clock -2h on phone',
      '#2 clock +90m on all',
      '#3 clock set 2025-12-31T23:00:00Z on tablet',
    ]);
    expect(problemsOf(`${HEADER}steps:\n  - clock: { device: phone }\n`)).toEqual([
      'steps[0].clock: give either jump (e.g. -2h) or set (an ISO time)',
    ]);
    expect(problemsOf(`${HEADER}steps:\n  - clock: { device: phone, jump: 2 hours }\n`)[0]).toMatch(
      /^steps\[0\]\.clock\.jump: /,
    );
  });

  it('takes generated large values in create and update fields, and names them by size', () => {
    const s = parseScenarioText(
      `${HEADER}steps:\n  - create: { device: phone, collection: text_notes, id: big, fields: { content: { text: 1.2MB } } }\n  - update: { device: phone, collection: text_notes, id: big, fields: { content: { fill: -1 }, mood: ok } }\n  - create: { device: phone, collection: text_notes, id: b2, fields: { content: { text: 512KiB, chars: ascii } } }\n`,
    );
    expect(s.steps.map((step, i) => describeStep(step, i))).toEqual([
      '#1 create text_notes/big on phone (content: 1,200,000 bytes)',
      '#2 update text_notes/big on phone (content: fills to 1 MiB -1)',
      '#3 create text_notes/b2 on phone (content: 524,288 bytes)',
    ]);
    expect(
      problemsOf(
        `${HEADER}steps:\n  - create: { device: phone, collection: text_notes, id: x, fields: { content: { text: 1.2 megabytes } } }\n`,
      )[0],
    ).toMatch(/^steps\[0\]\.create\.fields\.content/);
    expect(
      problemsOf(
        `${HEADER}steps:\n  - create: { device: phone, collection: text_notes, id: x, fields: { content: { text: 9MiB } } }\n`,
      )[0],
    ).toMatch(/^steps\[0\]\.create\.fields\.content/);
  });
});

describe('the fuzzer (fixed seed)', () => {
  it('draws small pages and batches, strategies per collection, clock jumps and large notes', () => {
    const seen = { page1: 0, batch1: 0, knobs: 0, deviceKnobs: 0, maps: 0, clock: 0, large: 0 };
    for (let run = 0; run < 200; run += 1) {
      const input = generateScenario(20261125, run);
      const spec = parseGenerated(input);
      if (spec.pageSize === 1) seen.page1 += 1;
      if (spec.batchSize === 1) seen.batch1 += 1;
      if (spec.pageSize !== undefined) seen.knobs += 1;
      if (spec.users.some((u) => u.devices.some((d) => typeof d !== 'string' && d.pageSize)))
        seen.deviceKnobs += 1;
      if (typeof spec.strategy !== 'string') seen.maps += 1;
      if (spec.steps.some((step) => 'clock' in step)) seen.clock += 1;
      if (JSON.stringify(input.steps).includes('"content":{"')) seen.large += 1;
    }
    expect(seen.knobs).toBeGreaterThan(30);
    expect(seen.page1).toBeGreaterThan(5);
    expect(seen.batch1).toBeGreaterThan(10);
    expect(seen.deviceKnobs).toBeGreaterThan(10);
    expect(seen.maps).toBeGreaterThan(25);
    expect(seen.clock).toBeGreaterThan(25);
    expect(seen.large).toBeGreaterThan(5);
  });
});

describe('generated text', () => {
  it('weighs exactly what was asked, in characters a note may hold, the same for the same seed', () => {
    for (const bytes of [0, 1, 999, 500_000, 500_001, 1_048_576, 1_200_000]) {
      const text = generatedText(bytes, forkRandom(1, 'x'));
      expect(utf8ByteLength(text)).toBe(bytes);
      expect(text.length).toBeLessThanOrEqual(500_000);
    }
    const a = generatedText(20_000, forkRandom(7, 'x'));
    expect(generatedText(20_000, forkRandom(7, 'x'))).toBe(a);
    expect(generatedText(20_000, forkRandom(8, 'x'))).not.toBe(a);
    expect(utf8ByteLength(generatedText(3001, forkRandom(1, 'x'), 'wide'))).toBe(3001);
  });
});

describe('a device clock the user sets', () => {
  it('jumps back and forward from where it was, and goes on from there', async () => {
    const world = new VirtualClock(Date.parse('2026-01-01T08:00:00Z'));
    const clock = new DeviceClock(world, world.now(), 60_000, 0);
    await clock.sleep(5_000); // backoff inside a pass: this device only
    expect(clock.now() - world.now()).toBe(65_000);
    clock.jump(-2 * 3_600_000);
    expect(clock.now() - world.now()).toBe(65_000 - 7_200_000);
    // Once the world catches up with the time slept ahead, only the offset and the jump remain.
    await world.sleep(10_000);
    expect(clock.now() - world.now()).toBe(60_000 - 7_200_000);
    clock.jump(86_400_000);
    expect(clock.now() - world.now()).toBe(60_000 - 7_200_000 + 86_400_000);
  });
});

/** Rows of one table on a device's SQLite file, by id. */
function rowsOf(file: string, table: string): Map<string, Record<string, unknown>> {
  const db = new Sqlite(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>;
    return new Map(rows.map((r) => [r.id as string, r]));
  } finally {
    db.close();
  }
}

describe('on the emulators', () => {
  const tempDir = useTempDir('scenario-knobs-');
  const run = (text: string, beforeJudge?: ScenarioRunOptions['beforeJudge']) =>
    runScenario({
      scenario: parseScenarioText(text),
      ...scenarioEndpoints('knobs'),
      dataDir: tempDir(),
      beforeJudge,
    });
  const failing = (report: Awaited<ReturnType<typeof run>>) =>
    Object.fromEntries(
      report.invariants.filter((i) => !i.holds).map((i) => [i.name, i.violations]),
    );

  it('the knobs reach the engine: one record a commit, pages of two, a device’s own page size', {
    timeout: 120_000,
  }, async () => {
    let wire: Record<string, { largestPageLimit: number; commits: number; largestCommit: number }> =
      {};
    const report = await run(
      `name: knobs
seed: 5
files: false
background: 0
pageSize: 2
batchSize: 1
commitsInFlight: 1
users:
  - id: alice
    devices: [phone, { id: tablet, pageSize: 3, batchSize: 500 }]
steps:
  - generate: { device: phone, count: 7, collection: text_notes }
  - generate: { device: tablet, count: 5, collection: health_data }
  - sync: all
  - sync: phone
expect:
  records: { text_notes: 7, health_data: 5 }
`,
      async (state) => {
        wire = state.wire;
      },
    );
    expect(failing(report)).toEqual({});
    expect(wire['alice/phone']).toMatchObject({ largestPageLimit: 2, largestCommit: 1 });
    expect(wire['alice/phone'].commits).toBeGreaterThanOrEqual(7);
    expect(wire['alice/tablet']).toMatchObject({ largestPageLimit: 3, largestCommit: 5 });
  });

  it('later steps refer to generated records by their readable ids', {
    timeout: 120_000,
  }, async () => {
    let ids: string[] = [];
    const report = await run(
      `name: generated ids
seed: 6
files: false
background: 0
users:
  - id: alice
    devices: [phone, tablet]
steps:
  - create: { device: tablet, collection: text_notes, id: mine, fields: {} }
  - generate: { device: phone, count: 3, collection: text_notes }
  - sync: all
  - update: { device: tablet, collection: text_notes, id: g2-alice-phone-1, fields: { title: edited } }
  - delete: { device: phone, collection: text_notes, id: g2-alice-phone-2 }
  - sync: all
expect:
  records: { text_notes: 3 }
  values: [{ collection: text_notes, id: g2-alice-phone-1, fields: { title: edited } }]
  deleted: [{ collection: text_notes, id: g2-alice-phone-2 }]
`,
      async ({ databaseFiles }) => {
        ids = [...rowsOf(databaseFiles['alice/tablet'], 'text_notes').keys()].sort();
      },
    );
    expect(failing(report)).toEqual({});
    expect(report.steps.every((s) => s.status === 'ok')).toBe(true);
    expect(ids).toEqual(['g2-alice-phone-0', 'g2-alice-phone-1', 'mine']);
  });

  it('each collection’s conflicts are resolved, and judged, with that collection’s strategy', {
    timeout: 120_000,
  }, async () => {
    const report = await run(
      `name: per-collection strategies
seed: 8
files: false
background: 0
strategy: { text_notes: merge, health_data: local-wins }
users:
  - id: alice
    devices: [phone, { id: tablet, strategy: { health_data: remote-wins } }]
steps:
  - create: { device: phone, collection: text_notes, id: n1, fields: { title: a, mood: a } }
  - create: { device: phone, collection: health_data, id: h1, fields: { value: 1 } }
  - sync: all
  - update: { device: phone, collection: text_notes, id: n1, fields: { title: phone } }
  - update: { device: tablet, collection: text_notes, id: n1, fields: { mood: tablet } }
  - update: { device: phone, collection: health_data, id: h1, fields: { value: 2 } }
  - update: { device: tablet, collection: health_data, id: h1, fields: { value: 3 } }
  - sync: phone
  - sync: tablet
  - strategy: { device: phone, use: { health_data: local-wins } }
  - update: { device: tablet, collection: health_data, id: h1, fields: { value: 4 } }
  - update: { device: phone, collection: health_data, id: h1, fields: { value: 5 } }
  - sync: tablet
  - sync: phone
expect:
  conflicts: 3
  values:
    - { collection: text_notes, id: n1, fields: { title: phone, mood: tablet } }
    - { collection: health_data, id: h1, fields: { value: 5 } }
`,
    );
    expect(failing(report)).toEqual({});
    const conflicts = report.timeline.events
      .filter((e) => e.kind === 'conflict')
      .map((e) => `${e.device} ${e.detail}`);
    // Collections sync side by side: their conflicts come in either order.
    expect(conflicts.sort()).toEqual([
      'alice/phone health_data/h1: kept-local (local-wins)',
      'alice/tablet health_data/h1: took-remote (remote-wins)',
      'alice/tablet text_notes/n1: merged (merge)',
    ]);
  });

  it('a device whose user sets its clock back (and forward) still syncs, in the server’s order', {
    timeout: 120_000,
  }, async () => {
    const report = await run(
      `name: clock jumps
seed: 9
files: false
background: 15m
deadline: 10s
users:
  - id: alice
    devices: [phone, tablet]
steps:
  - create: { device: phone, collection: text_notes, id: n1, fields: { title: before } }
  - advance: 20m
  - clock: { device: phone, jump: -2h }
  - create: { device: phone, collection: text_notes, id: n2, fields: {} }
  - update: { device: phone, collection: text_notes, id: n1, fields: { title: phone } }
  - clock: { device: phone, jump: -1h }
  - sync: phone
  - sync: tablet
  - update: { device: tablet, collection: text_notes, id: n2, fields: { title: tablet } }
  - clock: { device: tablet, set: '2027-06-01T00:00:00Z' }
  - update: { device: tablet, collection: text_notes, id: n2, fields: { mood: later } }
  - sync: tablet
  - clock: { device: phone, jump: -3h }
  - create: { device: phone, collection: text_notes, id: n3, fields: {} }
  - advance: 40m
  - update: { device: tablet, collection: text_notes, id: n3, fields: { title: seen } }
expect:
  records: { text_notes: 3 }
  values:
    - { collection: text_notes, id: n1, fields: { title: phone } }
    - { collection: text_notes, id: n2, fields: { title: tablet, mood: later } }
    - { collection: text_notes, id: n3, fields: { title: seen } }
`,
    );
    // Steps 9 and 11 need n2 pushed by the phone's pass of step 7, although it was queued when
    // the phone's clock read an hour later; step 16 needs n3 pushed by the phone's background
    // sync (and pulled by the tablet's) while the phone's clock reads hours before its last run.
    expect(report.steps.filter((s) => s.status === 'skipped').map((s) => s.note)).toEqual([]);
    expect(failing(report)).toEqual({});
    expect(report.timeline.events.filter((e) => e.kind === 'clock').map((e) => e.detail)).toEqual([
      expect.stringMatching(/^clock back 2h to 2026-01-01T06:2/),
      expect.stringMatching(/^clock back 1h to 2026-01-01T05:2/),
      expect.stringMatching(/^clock forward .* to 2027-06-01T00:00:00.000Z$/),
      expect.stringMatching(/^clock back 3h to 2026-01-01T02:2/),
    ]);
  });

  it('large values just under the 1 MiB document limit sync to every device; one just over is parked, never sent', {
    timeout: 180_000,
  }, async () => {
    let onTablet = new Map<string, Record<string, unknown>>();
    let onServer: string[] = [];
    const report = await run(
      `name: large values
seed: 10
files: false
background: 0
deadline: 20s
users:
  - id: alice
    devices: [phone, tablet]
steps:
  - create: { device: phone, collection: text_notes, id: mb, fields: { content: { text: 1000KB } } }
  - create: { device: phone, collection: text_notes, id: under, fields: { content: { fill: -1 } } }
  - create: { device: phone, collection: text_notes, id: edited, fields: {} }
  - sync: all
  - update: { device: tablet, collection: text_notes, id: edited, fields: { mood: big, content: { fill: -1 } } }
  - sync: all
  - create: { device: phone, collection: text_notes, id: over, fields: { content: { fill: 1 } } }
  - sync: phone
`,
      async ({ databaseFiles, firestore, users }) => {
        onTablet = rowsOf(databaseFiles['alice/tablet'], 'text_notes');
        const docs = await firestore
          .collection('text_notes')
          .where('user_id', '==', users[0].realId)
          .get();
        onServer = docs.docs.map((d) => d.id).sort();
      },
    );
    const bytes = (id: string) => utf8ByteLength(String(onTablet.get(id)?.content ?? ''));
    expect(bytes('mb')).toBe(1_000_000);
    expect(bytes('under')).toBeGreaterThan(1_040_000);
    expect(bytes('edited')).toBeGreaterThan(1_040_000);
    expect(onTablet.get('edited')?.mood).toBe('big');
    expect(onServer).toEqual(['edited', 'mb', 'under']);
    // The push refuses the one over the limit before the wire, saying why.
    const errors = report.timeline.events.filter(
      (e) => e.kind === 'error' && e.detail.startsWith('text_notes/over'),
    );
    expect(errors[0]?.detail).toMatch(/over Firestore's limit of 1,048,576 \(1 MiB\)/);
    // Everything but the parked record holds (the heal retries it and it is parked again).
    const failed = report.invariants.filter((i) => !i.holds);
    expect(failed.flatMap((i) => i.violations.map((v) => v.record))).toSatisfy(
      (records: unknown[]) => records.every((r) => r === 'text_notes/over' || r === null),
    );
  });
});
