import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withKnobs } from '../../src/scenario/device-settings';
import { backendArgs } from '../helpers/backend';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/**
 * `--page-size`, `--batch-size`, `--commits-in-flight` on the commands that sync: refused out of
 * bounds with the reason (exit 2, before anything starts), and taken by a real run.
 */
describe('the knob flags', () => {
  const tempDir = useTempDir('cli-knobs-');
  const backend = () => [...backendArgs('cli-knobs'), '--data-dir', tempDir()];

  it('refuse values the engine or Firestore cannot take, saying why', async () => {
    const file = path.join(tempDir(), 'k.yaml');
    fs.writeFileSync(file, 'name: k\nusers: [{ id: a, devices: [p] }]\n');
    const cases: Array<[string[], string]> = [
      [
        ['sync', '--batch-size', '501'],
        '--batch-size must be 1 to 500 (a Firestore commit holds at most 500 writes); got 501.',
      ],
      [
        ['run', '--commits-in-flight', 'many'],
        '--commits-in-flight must be a whole number; got "many".',
      ],
      [['scenario', 'run', file, '--page-size', '0'], '--page-size must be 1 to 10000'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['--data-dir', tempDir(), ...args]);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
  });

  it('replace a scenario’s own knobs; a device that names its own keeps them', () => {
    const s = { pageSize: 5, batchSize: 7, commitsInFlight: undefined };
    expect(withKnobs(s, { batchSize: 1, maxInFlight: 2 })).toEqual({
      pageSize: 5,
      batchSize: 1,
      commitsInFlight: 2,
    });
  });

  it('a scenario run and a sync take them', { timeout: 150_000 }, async () => {
    const file = path.join(tempDir(), 'k.yaml');
    fs.writeFileSync(
      file,
      'name: knobs from the command line\nfiles: false\nbackground: 0\ndeadline: 10s\nusers: [{ id: a, devices: [p, q] }]\nsteps:\n  - generate: { device: p, count: 6, collection: text_notes }\n  - sync: all\n  - sync: p\nexpect:\n  records: { text_notes: 6 }\n',
    );
    const run = await runCli(
      [
        ...backend(),
        '--json',
        'scenario',
        'run',
        file,
        '--page-size',
        '1',
        '--batch-size',
        '1',
        '--commits-in-flight',
        '1',
      ],
      {},
      140_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).result.passed).toBe(1);

    const seeded = await runCli([...backend(), '--user', 'knobber', 'seed', '--count', '5']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const sync = await runCli([
      ...backend(),
      '--user',
      'knobber',
      '--json',
      'sync',
      '--batch-size',
      '2',
      '--page-size',
      '3',
    ]);
    expect(sync.code, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout).result.pushed).toBe(5);
  });
});
