import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

/** A command that ends the process before it finishes never passes for a success. */
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'unfinished-command.ts');
const run = (command: string) =>
  spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), FIXTURE, command], {
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('wrapAction', () => {
  it.each(['hang', 'exit0'])('%s: exit 1 and says the command did not finish', (command) => {
    const result = run(command);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /internal error: the process ended \(code 0\) before the command finished/,
    );
    expect(result.stdout).toBe('');
  });

  it('a command that finishes exits 0 and says nothing of the kind', () => {
    const result = run('ok');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('done\n');
    expect(result.stderr).toBe('');
  });
});

describe('--version', () => {
  it("prints package.json's version and exits 0 (-V too)", async () => {
    const { version } = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });
});

/** Issue 18, finding 7: commander's own parse errors bypassed the --json envelope. */
describe('parse errors with --json', () => {
  it.each([
    [['--json', 'no-such-command'], /unknown command/],
    [['--json', 'status', '--no-such-flag'], /unknown option/],
    [['--json', 'sync', '--strategy'], /argument missing/],
  ])('%j: one JSON error document on stdout, exit 2, nothing on stderr', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ status: 'error', exitCode: 2, error: { name: 'UsageError' } });
    expect(document.error.message).toMatch(message);
  });

  it('without --json, commander says it on stderr as before', async () => {
    const result = await runCli(['no-such-command']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command/);
    expect(result.stdout).toBe('');
  });
});
