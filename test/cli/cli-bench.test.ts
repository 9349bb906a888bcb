import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

/**
 * `npm run bench:smoke` through the real CLI: the command works end to end and its --json output
 * follows docs/bench.schema.json. Durations are measured, never asserted.
 */
describe('personalai-sync bench', () => {
  it('the smoke run measures every phase and prints one document that follows the schema', {
    timeout: 420_000,
  }, async () => {
    const result = await runCli(
      [
        '--json',
        'bench',
        '--records',
        '500',
        '--runs',
        '1',
        '--memory-records',
        '1000',
        '--photos',
        '1',
        '--drain-records',
        '100',
        '--client-records',
        '100',
        '--one-emulator',
      ],
      {},
      400_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    const schema = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'bench.schema.json'), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const report = doc.result;
    // The smoke run says its runs shared one emulator: its figures are not for comparing.
    expect(report.options.oneEmulator).toBe(true);
    // Every default phase, and not the opt-in memory-1m (a million records: only when named).
    expect(report.phases.map((p: { phase: string }) => p.phase)).toEqual([
      'push',
      'pull',
      'client-push',
      'client-pull',
      'local',
      'files',
      'drain',
      'memory',
    ]);
    const push = report.phases[0];
    expect(push.contenders.map((c: { name: string }) => c.name)).toEqual([
      'ours',
      'ceiling',
      'protocol',
      'ours-update',
      'protocol-update',
      'design',
    ]);
    // The engine is measured as a release build runs it: WatermelonDB's development checks off.
    expect(report.mode).toEqual({ watermelon: 'release', nodeEnv: 'production' });
    for (const phase of report.phases)
      for (const c of phase.contenders) {
        expect(
          c.rates.every((r: number) => r > 0),
          `${phase.phase} ${c.name}`,
        ).toBe(true);
        expect(c.rate.min).toBeLessThanOrEqual(c.rate.median);
      }
    // Ratios are ratios of the medians shown.
    const median = (name: string) =>
      push.contenders.find((c: { name: string }) => c.name === name).rate.median;
    expect(push.ratios.map((r: { name: string }) => r.name)).toEqual([
      'ours / ceiling',
      'ours / protocol',
      'protocol / ceiling',
      'ours-update / protocol-update',
      'protocol-update / ceiling',
      'ours / design',
    ]);
    expect(push.ratios[0].value).toBeCloseTo(median('ours') / median('ceiling'), 6);
    expect(push.ratios[1].value).toBeCloseTo(median('ours') / median('protocol'), 6);
    expect(push.ratios[2].value).toBeCloseTo(median('protocol') / median('ceiling'), 6);
    expect(push.ratios[3].value).toBeCloseTo(median('ours-update') / median('protocol-update'), 6);
    // The client-SDK phases measure the engine on the app's SDK beside the raw client SDK.
    for (const phase of report.phases.slice(2, 4)) {
      expect(phase.contenders.map((c: { name: string }) => c.name)).toEqual(['ours', 'ceiling']);
      expect(phase.contenders[0].records).toBe(100);
    }
    const memory = report.phases[7];
    expect(memory.extra.maxRssMB).toBeGreaterThan(50);
  });

  it('bad input is a usage error (exit 2) and starts nothing', async () => {
    const phases = await runCli(['bench', '--phases', 'push,warp']);
    expect(phases.code).toBe(2);
    expect(phases.stderr).toMatch(
      /--phases takes a comma-separated list of push, pull, client-push, client-pull, local, files, drain, memory, memory-1m; got "push,warp"/,
    );
    const runs = await runCli(['bench', '--runs', '0']);
    expect(runs.code).toBe(2);
    expect(runs.stderr).toMatch(/--runs must be a whole number ≥ 1/);
  });
});
