import { describe, expect, it } from 'vitest';
import { describeStep } from '../../src/scenario/describe-step';
import { parseScenarioText, type ScenarioFileError } from '../../src/scenario/load-scenario';
import { runScenario } from '../../src/scenario/run-scenario';
import { scenarioEndpoints } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The `churn` step (what `run --edit-rate/--delete-rate` does offline): devices create, edit and
 * delete records at rates over a span of virtual time; every device edits the same records, so a
 * scenario of it conflicts, and its judge still finds every device agreeing with the server.
 */
const CHURN = `name: churn on two devices
seed: 9
strategy: merge
users:
  - id: alice
    devices: [phone, tablet]
steps:
  - generate: { device: phone, count: 20, collection: text_notes }
  - sync: all
  - sync: all
  - offline: all
  - churn: { device: all, for: 20s, create: 6/min, edit: 1/s, delete: 6/min }
  - online: all
`;

describe('the churn step', () => {
  const tempDir = useTempDir('scenario-churn-');

  it('names itself, and needs a span and something to do', () => {
    const s = parseScenarioText(CHURN);
    expect(describeStep(s.steps[4], 4)).toBe(
      '#5 churn on all for 20s: create 6/min, edit 60/min, delete 6/min',
    );
    const problems = (text: string) => {
      try {
        parseScenarioText(text);
      } catch (error) {
        return (error as ScenarioFileError).problems.map((p) => `${p.path}: ${p.message}`);
      }
      return [];
    };
    expect(
      problems(CHURN.replace('for: 20s, create: 6/min, edit: 1/s, delete: 6/min', 'for: 20s')),
    ).toEqual(['steps[4].churn: give at least one of create, edit, delete']);
    expect(problems(CHURN.replace('for: 20s', 'for: 0s'))[0]).toMatch(/^steps\[4\]\.churn\.for: /);
  });

  it('two devices edit the same records offline: conflicts, and every invariant holds', {
    timeout: 120_000,
  }, async () => {
    const report = await runScenario({
      scenario: parseScenarioText(CHURN),
      ...scenarioEndpoints('churn-step'),
      dataDir: tempDir(),
    });
    expect(report.steps[4].note).toBe('2 created, 20 edited, 2 deleted per device');
    expect(report.totals.conflicts).toBeGreaterThan(0);
    expect(report.invariants.filter((i) => !i.holds)).toEqual([]);
    expect(report.passed).toBe(true);
  });
});
