import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/** `doctor` on this machine, through the real CLI: what it has, and what it says when it lacks. */
describe('personalai-sync doctor', () => {
  const tempDir = useTempDir('cli-doctor-');

  it('finds everything the tests use on this machine and exits 0', {
    timeout: 90_000,
  }, async () => {
    const result = await runCli(['--data-dir', tempDir(), '--json', 'doctor'], {}, 80_000);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const { result: r } = JSON.parse(result.stdout);
    const byName = Object.fromEntries(
      r.checks.map((c: { name: string; status: string }) => [c.name, c.status]),
    );
    // The test run itself needs these: they cannot be missing here.
    for (const name of [
      'node',
      'java',
      'firestore emulator',
      'storage emulator',
      'sqlite',
      'client SDK',
      'chromium',
      'loopback ports',
      'data directory',
    ])
      expect(byName[name], name).toBe('ok');
    expect(r.ok).toBe(true);
  });

  it('says what to do about an emulator variable off loopback and an unwritable data directory, and exits 3', {
    timeout: 90_000,
  }, async () => {
    const blocker = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    const result = await runCli(
      ['--data-dir', path.join(blocker, 'data'), 'doctor'],
      { FIRESTORE_EMULATOR_HOST: '10.1.2.3:8080' },
      80_000,
    );
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stdout).toMatch(
      /✗ FIRESTORE_EMULATOR_HOST\s+10\.1\.2\.3:8080 is not a loopback address/,
    );
    expect(result.stdout).toMatch(
      /→ Point FIRESTORE_EMULATOR_HOST at 127\.0\.0\.1:PORT or unset it/,
    );
    expect(result.stdout).toMatch(/✗ data directory/);
    expect(result.stdout).toMatch(/→ Give --data-dir a folder you can write to/);
    expect(result.stdout).toMatch(/^2 problems to fix first$/m);
  });
});
