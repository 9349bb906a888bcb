import { describe, expect, it } from 'vitest';
import { describeStep } from '../../src/scenario/describe-step';
import { parseScenarioText, ScenarioFileError } from '../../src/scenario/load-scenario';
import { runScenario } from '../../src/scenario/run-scenario';
import { scenarioEndpoints } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Steps that happen while a push is in flight, at commit N of a collection's push, before it is
 * sent or after its reply came (`during: { push, batch, when }`), on real devices against the
 * emulators; a trigger that never fires is reported as a skipped step with its reason.
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

describe('the mid-push form', () => {
  it('has defaults, keeps `during: push`, and names itself in reports', () => {
    const s = parseScenarioText(
      `${HEADER}steps:
  - update: { device: phone, collection: text_notes, id: a, fields: { title: x }, during: push }
  - update: { device: phone, collection: text_notes, id: a, fields: { title: x }, during: { push: text_notes } }
  - delete: { device: phone, collection: text_notes, id: a, during: { push: text_notes, batch: 3, when: after-ack } }
  - offline: { device: phone, mode: blackhole, during: { push: health_data, batch: 2 } }
  - cleanup: { device: all, olderThan: 30d, during: { push: health_data, when: after-ack } }
`,
    );
    expect(s.steps[1]).toEqual({
      update: {
        device: 'phone',
        collection: 'text_notes',
        id: 'a',
        fields: { title: 'x' },
        during: { push: 'text_notes', batch: 1, when: 'before-commit' },
      },
    });
    expect(s.steps.map((step, i) => describeStep(step, i))).toEqual([
      '#1 update text_notes/a on phone during push',
      '#2 update text_notes/a on phone during push of text_notes (commit 1, before-commit)',
      '#3 delete text_notes/a on phone during push of text_notes (commit 3, after-ack)',
      '#4 offline (blackhole) phone during push of health_data (commit 2, before-commit)',
      '#5 cleanup older than 30d on all during push of health_data (commit 1, after-ack)',
    ]);
  });

  it('refuses a commit number below 1, an unknown moment and an unknown collection', () => {
    expect(
      problemsOf(
        `${HEADER}steps:\n  - online: { device: phone, during: { push: text_notes, batch: 0, when: mid-flight } }\n  - create: { device: phone, collection: text_notes, id: b, during: { push: notes } }\n`,
      ),
    ).toEqual([
      'steps[0].online.during.batch: Too small: expected number to be >=1',
      'steps[0].online.during.when: Invalid option: expected one of "before-commit"|"after-ack"',
      'steps[1].create.during.push: Invalid option: expected one of "health_data"|"location_data"|"voice_notes"|"text_notes"|"photo_memories"',
    ]);
  });
});

describe('mid-push steps on real devices', () => {
  const tempDir = useTempDir('mid-push-');
  it('fire at the commit they name, and a point never reached is a skipped step with its reason', {
    timeout: 240_000,
  }, async () => {
    const scenario = parseScenarioText(
      `name: mid-push
seed: 4242
files: false
background: 0
deadline: 10s
skipInapplicableSteps: true
# One commit at a time: the offline step after commit 1's acknowledgement must find commits 2
# and 3 not yet sent (the push fills its pipe at once since issue 19, so with four in flight
# they may already be back).
commitsInFlight: 1
users:
  - id: alice
    devices: [phone, tablet]
steps:
  - create: { device: phone, collection: text_notes, id: a, fields: { title: v1 } }
  - generate: { device: phone, count: 1100, collection: text_notes }
  - update: { device: phone, collection: text_notes, id: a, fields: { title: v2 }, during: { push: text_notes, batch: 3, when: after-ack } }
  - update: { device: phone, collection: text_notes, id: a, fields: { title: never }, during: { push: text_notes, batch: 2 } }
  - generate: { device: phone, count: 1100, collection: text_notes }
  - offline: { device: phone, during: { push: text_notes, batch: 1, when: after-ack } }
  - online: phone
  - create: { device: tablet, collection: health_data, id: h, during: { push: health_data } }
  - sync: all
expect:
  records: { text_notes: 2201, health_data: 0 }
  values:
    - { collection: text_notes, id: a, fields: { title: v2 } }
`,
    );
    const report = await runScenario({
      scenario,
      ...scenarioEndpoints('mid-push'),
      dataDir: tempDir(),
    });
    const step = (n: number) => report.steps[n - 1];
    // Fired: the edit after commit 3 of 3 came back (it stays pending, for the next pass).
    expect(step(3)).toMatchObject({ status: 'ok' });
    expect(step(3).note).toBeUndefined();
    // At most one commit left to push (that edit, unless the pass before sent it in another
    // round: commits are in flight together, which one settles first is the machine's choice):
    // commit 2 never comes, the edit is not made, and the step says why.
    expect(step(4).status).toBe('skipped');
    expect(step(4).note).toMatch(
      /^skipped: commit 2 \(before-commit\) of the text_notes push never came: alice\/phone sent ([01]) commit\(s\) of text_notes, \1 acknowledged$/,
    );
    // The network refused after commit 1 came back: the other commits fail, their records wait.
    expect(step(6)).toMatchObject({ status: 'ok' });
    const refused = report.timeline.events.filter(
      (e) => e.device === 'alice/phone' && e.kind === 'error' && e.atMs >= 0,
    );
    expect(refused.length).toBeGreaterThan(0);
    // The tablet has no health_data to push: a create during that push is skipped, not made.
    expect(step(8).status).toBe('skipped');
    expect(step(8).note).toMatch(/alice\/tablet sent 0 commit\(s\) of health_data/);
    expect(
      report.invariants.filter((i) => !i.holds),
      JSON.stringify(report.invariants.filter((i) => !i.holds)),
    ).toEqual([]);
  });
});
