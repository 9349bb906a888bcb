import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendArgs } from '../helpers/backend';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/** `--inject` (the defect zoo) through the real CLI: refused names, and the JSON says what ran. */
// A note made on one device must reach the other: push-only breaks it whatever the timing (a
// lost update, by contrast, needs the in-flight edit's commit to succeed at the first attempt).
const FILE = path.resolve(__dirname, '..', 'fixtures', 'defect-push-only.yaml');

describe('personalai-sync scenario --inject', () => {
  const tempDir = useTempDir('cli-inject-');
  const backend = () => [...backendArgs('cli-inject'), '--data-dir', tempDir()];

  it('an unknown defect is a usage error that lists the zoo, before anything starts', async () => {
    for (const command of [
      ['scenario', 'fuzz', '--inject', 'push-only,no-such-bug'],
      ['scenario', 'run', FILE, '--inject', 'no-such-bug'],
      ['scenario', 'detect', '--defects', 'no-such-bug'],
    ]) {
      const result = await runCli([...backend(), '--json', ...command]);
      expect(result.code, result.stderr).toBe(2);
      const out = JSON.parse(result.stdout) as { error: { message: string } };
      expect(out.error.message).toMatch(
        /Unknown defect "no-such-bug"\. The zoo has: push-only, lost-update, .*serial-and-slow/,
      );
    }
  });

  it('run --inject replays a file with the defect and says so in the JSON; without it the file passes', {
    timeout: 240_000,
  }, async () => {
    const run = (inject: string[]) =>
      runCli([...backend(), '--json', 'scenario', 'run', FILE, ...inject], {}, 110_000);
    const withDefect = await run(['--inject', 'push-only']);
    expect(withDefect.code, withDefect.stderr).toBe(1);
    const bad = (
      JSON.parse(withDefect.stdout) as {
        result: {
          scenarios: Array<{
            defects?: string[];
            invariants: Array<{ name: string; holds: boolean }>;
          }>;
        };
      }
    ).result;
    expect(bad.scenarios[0].defects).toEqual(['push-only']);
    expect(bad.scenarios[0].invariants.filter((i) => !i.holds).map((i) => i.name)).toEqual([
      'converged',
    ]);
    const clean = await run([]);
    expect(clean.code, clean.stdout).toBe(0);
    const good = (
      JSON.parse(clean.stdout) as { result: { scenarios: Array<{ defects?: string[] }> } }
    ).result;
    expect(good.scenarios[0].defects).toBeUndefined();
    expect(fs.existsSync(FILE)).toBe(true);
  });
});
