import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendArgs } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';
import { scriptAvailable, spawnOnTerminal } from '../helpers/terminal';

/**
 * Issue 18, "the spinner hangs forever on a terminal that reports 0 columns": util-linux `script`
 * started without a terminal (common in CI) gives the CLI a pseudo-terminal of 0 columns; ora
 * takes `columns ?? 80`, and 0 made its line count infinite: `run` spun for 27 minutes, wrote
 * 1.4 GB to stderr and ignored SIGTERM. The spinner now starts only where it has columns.
 */
const hasScript = scriptAvailable('cli-spinner');

describe.skipIf(!hasScript)('progress on a pseudo-terminal of 0 columns', () => {
  const tempDir = useTempDir();

  it('a scenario run under `script` without a terminal finishes, with no runaway output', async () => {
    const scenario = path.resolve(__dirname, '..', '..', 'scenarios', 'crash-mid-push.yaml');
    const args = [
      ...backendArgs('cli-spinner'),
      '--data-dir',
      tempDir(),
      'scenario',
      'run',
      scenario,
    ];
    const env = { ...process.env };
    delete env.FIRESTORE_EMULATOR_HOST;
    delete env.FIREBASE_STORAGE_EMULATOR_HOST;
    const child = spawnOnTerminal(args, env);
    let bytes = 0;
    let shown = '';
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      if (shown.length < 4000) shown += d.toString();
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`still running after 90 s, ${bytes} bytes written:\n${shown}`));
      }, 90_000);
      child.on('exit', (exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
    expect(code, shown).toBe(0);
    expect(shown).toMatch(/crash-mid-push|passed|✔|PASS/i);
    expect(bytes).toBeLessThan(100_000);
  }, 120_000);
});
