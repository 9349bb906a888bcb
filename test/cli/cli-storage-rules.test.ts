import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, runCli, startCli, waitForOutput } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/**
 * `emulators start` and the Storage rules runtime, with FIREBASE_EMULATORS_PATH pointing at an
 * empty fake firebase-tools cache (so the runtime is missing whatever this machine has): Storage
 * is open, which start says once on stderr and status reports; beyond loopback it refuses to
 * start unless --allow-open-storage.
 */
describe('emulators start without the Storage rules runtime', () => {
  const tempDir = useTempDir('cli-storage-rules-');
  const emptyCache = () => {
    const dir = path.join(tempDir(), 'empty-cache');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };

  it('refuses --host 0.0.0.0 with open Storage: exit 3, says why and what to do, starts nothing', async () => {
    const dataDir = tempDir();
    const cache = emptyCache();
    const result = await runCli(
      ['--data-dir', dataDir, '--json', 'emulators', 'start', '--host', '0.0.0.0'],
      { FIREBASE_EMULATORS_PATH: cache },
    );
    expect(result.code).toBe(3);
    const { status, error } = JSON.parse(result.stdout);
    expect(status).toBe('error');
    expect(error.message).toContain('Refusing to listen on 0.0.0.0 with Storage open to everyone');
    expect(error.message).toContain(path.join(cache, 'cloud-storage-rules-runtime-v1.1.3.jar'));
    expect(error.message).toContain('--allow-open-storage');
    // Refused before Firestore started: nothing printed about emulators starting.
    expect(result.stderr).not.toMatch(/Firestore emulator/);
    expect(fs.existsSync(path.join(dataDir, 'emulators.json'))).toBe(false);
  });

  it('on loopback: starts open, says so once on stderr, and --json and status report storageRules "open"', async () => {
    const dataDir = tempDir();
    const cache = emptyCache();
    const child = startCli(
      ['--data-dir', dataDir, '--project', 'demo-cli-open', '--json', 'emulators', 'start'],
      { FIREBASE_EMULATORS_PATH: cache },
    );
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    const exited = collect(child, 90_000);
    const stdout = await waitForOutput(child, /"status": "running"[\s\S]*\n}\n/);
    const started = JSON.parse(stdout).result;
    expect(started).toMatchObject({
      storageRules: 'open',
      storageRulesRuntime: {
        jar: path.join(cache, 'cloud-storage-rules-runtime-v1.1.3.jar'),
        present: false,
        from: 'FIREBASE_EMULATORS_PATH',
      },
    });
    expect(stderr.match(/Storage rules: OPEN/g)).toHaveLength(1);

    const status = await runCli(['--data-dir', dataDir, '--json', 'emulators', 'status']);
    expect(JSON.parse(status.stdout).result).toMatchObject({ running: true, storageRules: 'open' });
    const text = await runCli(['--data-dir', dataDir, 'emulators', 'status']);
    expect(text.stdout).toMatch(
      /Storage {4}127\.0\.0\.1:\d+ {2}up {2}rules OPEN \(every request permitted\)/,
    );

    child.kill('SIGINT');
    expect((await exited).code).toBe(0);
  });
});
