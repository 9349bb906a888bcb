import { describe, expect, it } from 'vitest';
import { backendArgs, uniqueUserId } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';
import { scriptAvailable, spawnOnTerminal } from '../helpers/terminal';

/**
 * Issue 18, finding 6, "silent long work": `seed --count 2000` and a `sync` of 2,000 records showed
 * nothing on a terminal. They now say what they are doing. A real pseudo-terminal (util-linux
 * `script`, 120 columns) stands in for the user's; progress is never shown without one.
 */
const hasScript = scriptAvailable('cli-progress');

/** Runs the CLI on a pseudo-terminal; everything it wrote to it, escapes removed. */
async function onTerminal(args: string[]): Promise<{ code: number | null; text: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  // ora draws no progress where CI is set (it prints the first text once): a user's terminal has none.
  delete env.CI;
  delete env.FIRESTORE_EMULATOR_HOST;
  delete env.FIREBASE_STORAGE_EMULATOR_HOST;
  const child = spawnOnTerminal(args, env, { setup: 'stty cols 120 rows 40' });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => {
    raw += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what is removed
  return { code, text: raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n') };
}

describe.skipIf(!hasScript)('progress of long work on a terminal', () => {
  const tempDir = useTempDir('cli-progress-');

  it('seed and sync of 2,000 records say what they are doing, then print their result', {
    timeout: 180_000,
  }, async () => {
    const dir = tempDir();
    const who = ['--data-dir', dir, '--user', uniqueUserId('progress'), '--device', 'phone'];
    const seeded = await onTerminal([...who, 'seed', '--count', '2000']);
    expect(seeded.code, seeded.text).toBe(0);
    // Which frames a spinner draws depends on timing: one of them, whichever, says how far.
    expect(seeded.text).toMatch(
      /seed: (generating [\d,]+|writing) \w+ \([\d,]+ of 2,000 records\)/,
    );
    expect(seeded.text).toContain('Seeded 2000 pending records');

    const synced = await onTerminal([...backendArgs('cli-progress'), ...who, 'sync']);
    expect(synced.code, synced.text).toBe(0);
    expect(synced.text).toMatch(/sync [^:]+\/phone: [\d,]+ of 2,000 changes sent, [\d,]+ pending/);
    expect(synced.text).toContain('Nothing pending.');
  });
});
