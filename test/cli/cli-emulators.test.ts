import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPortFree } from '../../src/emulators/free-port';
import { collect, runCli, startCli, waitForOutput } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

function javaProcessesOf(pid: number): string {
  try {
    return execFileSync('pgrep', ['-f', '-a', 'CloudFirestore'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(`--project_id=`) && line.includes(String(pid)))
      .join('\n');
  } catch {
    return '';
  }
}

describe('personalai-sync emulators', () => {
  const tempDir = useTempDir();

  it('start prints the endpoints and env lines (Auth too), status sees them, and Ctrl-C stops everything', async () => {
    const dataDir = tempDir();
    const child = startCli([
      '--data-dir',
      dataDir,
      '--project',
      'demo-cli-start',
      'emulators',
      'start',
    ]);
    // On a busy machine the in-process Auth emulator alone has taken a minute to start.
    const exited = collect(child, 170_000);
    const stdout = await waitForOutput(child, /Press Ctrl-C to stop\./, 150_000);
    const firestore = /export FIRESTORE_EMULATOR_HOST=(127\.0\.0\.1:(\d+))/.exec(stdout);
    const storage = /export FIREBASE_STORAGE_EMULATOR_HOST=(127\.0\.0\.1:(\d+))/.exec(stdout);
    const auth = /export FIREBASE_AUTH_EMULATOR_HOST=(127\.0\.0\.1:(\d+))/.exec(stdout);
    expect(firestore).not.toBeNull();
    expect(storage).not.toBeNull();
    expect(auth).not.toBeNull();
    expect(stdout).toContain('export GCLOUD_PROJECT=demo-cli-start');

    const status = await runCli(['--data-dir', dataDir, '--json', 'emulators', 'status']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).result).toMatchObject({
      running: true,
      firestore: firestore![1],
      storage: storage![1],
      auth: auth![1],
      firestoreUp: true,
      storageUp: true,
      authUp: true,
    });

    child.kill('SIGINT');
    const result = await exited;
    expect(result.code).toBe(0);
    expect(await isPortFree(Number(firestore![2]))).toBe(true);
    expect(await isPortFree(Number(storage![2]))).toBe(true);
    expect(await isPortFree(Number(auth![2]))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'emulators.json'))).toBe(false);
    expect(javaProcessesOf(child.pid!)).toBe('');
  }, 180_000);

  it('stop, from another terminal, stops a running start', async () => {
    const dataDir = tempDir();
    const child = startCli(['--data-dir', dataDir, 'emulators', 'start']);
    const exited = collect(child, 170_000);
    await waitForOutput(child, /Press Ctrl-C to stop\./, 150_000);
    const stop = await runCli(['--data-dir', dataDir, 'emulators', 'stop']);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/Stopped the emulators \(pid \d+\)/);
    expect((await exited).code).toBe(0);
    const status = await runCli(['--data-dir', dataDir, 'emulators', 'status']);
    expect(status.stdout).toMatch(/No managed emulators are running/);
  }, 180_000);

  it('exits 3 and says what was searched and how to install, when no Firestore emulator exists', async () => {
    const result = await runCli(['--data-dir', tempDir(), 'emulators', 'start'], {
      FIRESTORE_EMULATOR_BINARY_PATH: '/nowhere/cloud_firestore_emulator',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('/nowhere/cloud_firestore_emulator');
    expect(result.stderr).toMatch(/google-cloud-cli-firestore-emulator/);
    expect(result.stderr).toMatch(/firebase setup:emulators:firestore/);
  });

  it('with --json, an error is one JSON document on stdout', async () => {
    const result = await runCli([
      '--json',
      '--data-dir',
      tempDir(),
      '--project',
      'prod-app',
      'emulators',
      'start',
    ]);
    // A real project id is bad input (exit 2): `emulators start` runs emulators only.
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ status: 'error', exitCode: 2 });
    expect(document.error.message).toMatch(/does not start with "demo-"/);
  });

  it('rejects a malformed endpoint or id with exit 2', async () => {
    const bad = await runCli([
      '--firestore',
      'http://127.0.0.1:8080',
      '--data-dir',
      tempDir(),
      'emulators',
      'status',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"http:\/\/127\.0\.0\.1:8080" is not HOST:PORT/);
    const badUser = await runCli([
      '--user',
      '../etc',
      '--data-dir',
      tempDir(),
      'emulators',
      'status',
    ]);
    expect(badUser.code).toBe(2);
    expect(badUser.stderr).toMatch(/User id "\.\.\/etc" is not allowed/);
  });
});
