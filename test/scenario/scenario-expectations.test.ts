import { describe, expect, it } from 'vitest';
import { Scenario, type ScenarioSpec } from '../../src/scenario/format';
import { generateScenario, parseGenerated } from '../../src/scenario/fuzz';
import { parseScenarioText } from '../../src/scenario/load-scenario';
import { runScenario } from '../../src/scenario/run-scenario';
import { scenarioEndpoints } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Expectations along the timeline and of parked records, sync errors, quarantines, commits,
 * per-user counts and wall time, against the real emulators; and a heal that leaves a rightly
 * parked record alone.
 */
// Over Firestore's 1 MiB in bytes (3 bytes a character), within the content field's own length.
const OVERSIZED = '€'.repeat(360_000);

function scenario(expectAtEnd: Record<string, unknown>, extraSteps: unknown[] = []): ScenarioSpec {
  return Scenario.parse({
    name: 'expectations',
    seed: 3,
    files: false,
    // Real-time deadlines: generous, so a cold or loaded emulator does not change what is pushed.
    deadline: '20s',
    users: [
      { id: 'alice', devices: ['phone', 'tablet'] },
      { id: 'bob', devices: ['laptop'] },
    ],
    steps: [
      {
        create: {
          device: 'phone',
          collection: 'text_notes',
          id: 'x-big',
          fields: { content: OVERSIZED },
        },
      },
      {
        create: {
          device: 'phone',
          collection: 'text_notes',
          id: 'x-small',
          fields: { title: 'fits' },
        },
      },
      {
        create: {
          device: 'laptop',
          collection: 'text_notes',
          id: 'x-bob1',
          fields: { title: 'b1' },
        },
      },
      {
        create: {
          device: 'laptop',
          collection: 'text_notes',
          id: 'x-bob2',
          fields: { title: 'b2' },
        },
      },
      { sync: 'all' },
      ...extraSteps,
    ],
    expect: expectAtEnd,
  }) as ScenarioSpec;
}

const PARKED = {
  device: 'phone',
  collection: 'text_notes',
  id: 'x-big',
  code: 'document-too-large',
  message: "over Firestore's limit",
};

describe('scenario expectations', () => {
  const tempDir = useTempDir('scenario-expect-');
  const run = (spec: ScenarioSpec) =>
    runScenario({ scenario: spec, ...scenarioEndpoints('expect'), dataDir: tempDir() });
  const failing = (report: Awaited<ReturnType<typeof run>>) =>
    Object.fromEntries(
      report.invariants.filter((i) => !i.holds).map((i) => [i.name, i.violations]),
    );

  it('a rightly parked record passes the judge, and the heal leaves it alone', {
    timeout: 120_000,
  }, async () => {
    const report = await run(
      scenario(
        {
          parked: [PARKED],
          records: { text_notes: 3 },
          userRecords: { alice: { text_notes: 1 }, bob: { text_notes: 2 } },
          syncErrors: { codes: { 'document-too-large': { min: 1 } } },
          quarantined: 0,
          wallTime: { max: '10m' },
        },
        [
          {
            expect: {
              parked: [PARKED],
              userRecords: { alice: { text_notes: 1 }, bob: { text_notes: 2 } },
              deleted: [{ collection: 'text_notes', id: 'x-big' }],
              writes: { device: 'phone', commits: 1, documents: 1 },
            },
          },
        ],
      ),
    );
    expect(failing(report)).toEqual({});
    expect(report.totals.drained).toBe(true);
    // Two clean rounds, not the heal's 30-round limit.
    expect(report.totals.healRounds).toBeLessThan(5);
    expect(report.totals.errorCodes?.['document-too-large']).toBeGreaterThanOrEqual(1);
    expect(report.totals.commits).toBeGreaterThanOrEqual(2);
  });

  it('a parked record the scenario does not expect fails drained, with its message', {
    timeout: 120_000,
  }, async () => {
    const report = await run(scenario({}));
    const f = failing(report);
    expect(Object.keys(f)).toEqual(['drained']);
    expect(f.drained).toHaveLength(1);
    expect(f.drained[0]).toMatchObject({
      record: 'text_notes/x-big',
      device: 'alice/phone',
      step: '#1 create text_notes/x-big on phone',
    });
    expect(f.drained[0].detail).toMatch(
      /^parked in error after the heal's Retry \(document-too-large: its document would be [\d,]+ bytes, over Firestore's limit/,
    );
  });

  it('a mid-timeline expect that does not hold names its step and what differed; the run goes on', {
    timeout: 120_000,
  }, async () => {
    const report = await run(
      scenario({ parked: [PARKED] }, [
        {
          expect: {
            records: { text_notes: 5 },
            userRecords: { bob: { text_notes: { max: 1 } } },
            parked: [
              { ...PARKED, id: 'x-small' },
              { ...PARKED, code: 'invalid-record' },
            ],
            exists: [{ collection: 'text_notes', id: 'x-big' }],
            crashes: { min: 1 },
            syncErrors: { total: 0 },
            writes: { device: 'laptop', documents: { max: 1 } },
            wallTime: { max: 0 },
          },
        },
        {
          create: {
            device: 'tablet',
            collection: 'text_notes',
            id: 'x-later',
            fields: { title: 'after' },
          },
        },
      ]),
    );
    expect(report.steps.map((s) => s.label)).toContain('#7 create text_notes/x-later on tablet');
    expect(report.steps[5]).toMatchObject({ note: '9 expectation(s) failed' });
    const f = failing(report);
    expect(Object.keys(f)).toEqual(['expectations']);
    const step =
      '#6 expect records, userRecords, crashes, exists, parked, syncErrors, writes, wallTime';
    expect(f.expectations.map((v) => [v.step, v.record, v.detail])).toEqual([
      [step, null, 'live text_notes records on the server: expected 5, found 3'],
      [step, null, 'live text_notes records of bob on the server: expected at most 1, found 2'],
      [step, 'text_notes/x-big', 'expected to exist, but it is not on the server'],
      [step, null, 'crashes: expected at least 1, found 0'],
      [
        step,
        'text_notes/x-small',
        'expected parked in error on alice/phone, but it is not parked there',
      ],
      [
        step,
        'text_notes/x-big',
        expect.stringMatching(
          /^parked on alice\/phone with code document-too-large; expected invalid-record \(its document would be/,
        ),
      ],
      [step, null, expect.stringMatching(/^sync errors: expected 0, found [1-9]/)],
      [step, null, 'documents written by bob/laptop: expected at most 1, found 2'],
      [step, null, expect.stringMatching(/^wall time: expected at most 0 ms, took \d+ ms$/)],
    ]);
  });

  it('counts quarantined documents and sync errors by code', { timeout: 120_000 }, async () => {
    const report = await run(
      parseScenarioText(`
name: quarantine
files: false
users: [{ id: carol, devices: [phone] }]
steps:
  - write: { as: admin, count: 8, format: malformed, collection: text_notes }
  - sync: phone
  - expect: { quarantined: { min: 1 }, syncErrors: { total: { min: 1 } }, writes: { commits: 0 } }
expect:
  quarantined: { min: 1 }
`),
    );
    expect(failing(report)).toEqual({});
    expect(report.totals.quarantined).toBeGreaterThanOrEqual(1);
  });
});

describe('expectations in the format', () => {
  const base = {
    name: 'refs',
    users: [{ id: 'alice', devices: ['phone', 'tablet'] }],
  };
  it('names the parked device, the writes devices and the per-user users it does not know', () => {
    const parsed = Scenario.safeParse({
      ...base,
      steps: [{ expect: { userRecords: { bob: { text_notes: 1 } } } }],
      expect: {
        parked: [{ device: 'all', collection: 'text_notes', id: 'n1' }],
        writes: { device: 'watch', commits: 1 },
      },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['expect.parked.0.device', 'a parked record is on one device'],
      ['expect.writes.device', expect.stringMatching(/^no device or user "watch"/)],
      ['steps.0.expect.userRecords.bob', 'no user "bob"'],
    ]);
  });

  it('the fuzzer draws expect steps and a rightly parked note from a stream of its own', () => {
    const drawn = Array.from({ length: 20 }, (_, run) => generateScenario(20261125, run));
    for (const input of drawn) parseGenerated(input);
    const expectSteps = drawn.flatMap((s) =>
      ((s.steps ?? []) as Array<Record<string, unknown>>).filter((x) => 'expect' in x),
    );
    const parked = drawn.filter((s) => s.expect?.parked?.length);
    expect(expectSteps.length).toBeGreaterThan(0);
    expect(parked.length).toBeGreaterThan(0);
  });
});
