import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../src/cli/scenario-reports';
import { Scenario } from '../../src/scenario/format';
import { guardRun } from '../../src/scenario/guard-run';
import { passingReport as reportOf } from '../helpers/passing-report';
import { useTempDir } from '../helpers/temp-dir';

const scenario = Scenario.parse({
  name: 'guarded',
  seed: 3,
  users: [{ id: 'alice', devices: ['phone'] }],
  steps: [{ sync: { device: 'alice/phone' } }],
});
const identity = { scenario, file: 'scenarios/guarded.yaml', seed: 3 };

const passingReport = () => reportOf({ name: scenario.name, file: identity.file, seed: 3 });

/** A rejection nobody handles, raised the way firebase-admin does on a terminated client. */
function unheard(message: string): void {
  void Promise.reject(new Error(message));
}

describe('a scenario run always ends with a report', () => {
  const tempDir = useTempDir();

  it('a run that throws becomes a failed report (run-completed broken), and --junit and --report are written', async () => {
    const { report } = await guardRun(identity, async () => {
      throw new Error('the emulator went away');
    });
    expect(report.passed).toBe(false);
    expect(report.invariants).toEqual([
      expect.objectContaining({
        name: 'run-completed',
        holds: false,
        violations: [expect.objectContaining({ detail: 'Error: the emulator went away' })],
      }),
    ]);
    const junit = path.join(tempDir(), 'out', 'junit.xml');
    const html = path.join(tempDir(), 'out', 'report.html');
    writeReports([report], { junit, report: html });
    expect(fs.readFileSync(junit, 'utf8')).toContain('run-completed');
    expect(fs.readFileSync(html, 'utf8')).toContain('guarded');
  });

  it('a late rejection of a closed device’s Firestore client neither kills the run nor fails it; it is counted', async () => {
    const guarded = await guardRun(identity, async () => {
      unheard('The client has already been terminated');
      await new Promise((resolve) => setImmediate(resolve));
      return passingReport();
    });
    expect(guarded.closedClientRejections).toBe(1);
    expect(guarded.report.passed).toBe(true);
  });

  it('any other rejection left unheard during the run fails it with no-unheard-errors, still with a report', async () => {
    const guarded = await guardRun(identity, async () => {
      unheard('something else broke');
      await new Promise((resolve) => setImmediate(resolve));
      return passingReport();
    });
    expect(guarded.report.passed).toBe(false);
    expect(guarded.report.invariants.map((i) => [i.name, i.holds])).toEqual([
      ['no-unheard-errors', false],
    ]);
    expect(guarded.report.invariants[0].violations[0].detail).toBe('Error: something else broke');
  });
});

describe('a late rejection after the run (the command lives on to print its report)', () => {
  const script = (message: string) => `
    const { ignoreLateClosedClientRejections } = require('./src/scenario/guard-run');
    ignoreLateClosedClientRejections();
    void Promise.reject(new Error(${JSON.stringify(message)}));
    setTimeout(() => console.log('report printed'), 50);
  `;
  const run = (message: string) =>
    spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script(message)], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    });

  it("a closed device's late firebase-admin rejection is ignored", () => {
    const r = run('The client has already been terminated');
    expect(r.stdout).toContain('report printed');
    expect(r.status).toBe(0);
  });

  it('any other unheard rejection still ends the process as Node does', () => {
    const r = run('something else broke');
    expect(r.stdout).not.toContain('report printed');
    expect(r.stderr).toContain('something else broke');
    expect(r.status).not.toBe(0);
  });
});
