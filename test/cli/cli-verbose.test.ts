import { describe, expect, it } from 'vitest';
import { uniqueUserId } from '../helpers/backend';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/** Issue 18, finding 7: `--verbose` did nothing outside `emulators start`. */
describe('--verbose', () => {
  const tempDir = useTempDir('cli-verbose-');

  it('a command that starts its own emulators shows their output, marked as theirs; without it, none', async () => {
    const base = ['--data-dir', tempDir(), '--user', uniqueUserId('verbose'), '--device', 'phone'];
    expect((await runCli([...base, 'seed', '--text', '1'])).code).toBe(0);
    const loud = await runCli([...base, '--verbose', 'sync'], {}, 120_000);
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stderr).toMatch(/^\[firestore\] .+/m);
    const quiet = await runCli([...base, 'sync'], {}, 120_000);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('[firestore]');
  }, 240_000);
});
