import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/cli/error-codes';
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
    [['--json', 'no-such-command'], /unknown command/, 'usage.unknown-command'],
    [['--json', 'status', '--no-such-flag'], /unknown option/, 'usage.unknown-option'],
    [['--json', 'sync', '--strategy'], /argument missing/, 'usage.missing-argument'],
    [['--json', 'sync', '--strategy', 'newest'], /--strategy/, 'usage'],
  ])(
    '%j: one JSON error document on stdout with a stable code, exit 2, nothing on stderr',
    async (args, message, code) => {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('');
      const document = JSON.parse(result.stdout);
      expect(document).toMatchObject({
        status: 'error',
        exitCode: 2,
        error: { name: 'UsageError', code },
      });
      expect(document.error.message).toMatch(message);
    },
  );

  it('without --json, commander says it on stderr as before', async () => {
    const result = await runCli(['no-such-command']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command/);
    expect(result.stdout).toBe('');
  });
});

/** Issue 18, finding 7: help as gh and firebase-tools give it. */
describe('help', () => {
  it('the root help has examples, the help topics and the exit codes', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Examples:\n {2}\$ personalai-sync run --offline-for 30s/m);
    expect(result.stdout).toMatch(
      /Help topics: personalai-sync help exit-codes \| help environment/,
    );
    expect(result.stdout).toMatch(/Exit codes: 0 ok, 1 something failed, 2 bad usage/);
  });

  it('help exit-codes lists every error code; help environment every variable the tool reads', async () => {
    const codes = await runCli(['help', 'exit-codes']);
    expect(codes.code).toBe(0);
    for (const code of Object.keys(ERROR_CODES)) expect(codes.stdout).toContain(`  ${code} `);
    const environment = await runCli(['help', 'environment']);
    for (const name of [
      'FIRESTORE_EMULATOR_HOST',
      'FIREBASE_STORAGE_EMULATOR_HOST',
      'CHROMIUM_PATH',
    ])
      expect(environment.stdout).toContain(name);
  });

  it('a command’s help shows the global flags it inherits; help of nothing known exits 2', async () => {
    const sync = await runCli(['help', 'sync']);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/Global Options:[\s\S]*--data-dir <dir>/);
    const nested = await runCli(['help', 'scenario', 'fuzz']);
    expect(nested.stdout).toMatch(/--duration <time>/);
    const unknown = await runCli(['help', 'nothing']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /no command or help topic "nothing"; topics: exit-codes, environment/,
    );
  });
});
