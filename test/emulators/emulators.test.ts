import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getDownloadUrl } from '../../src/adapters/download-url';
import { createFirebaseClients } from '../../src/adapters/firebase-clients';
import { EnvironmentError } from '../../src/emulators/environment-error';
import { findFirestoreEmulator } from '../../src/emulators/find-firestore-emulator';
import { startFirestoreEmulator } from '../../src/emulators/firestore-emulator';
import { isPortFree } from '../../src/emulators/free-port';
import { startStorageEmulator } from '../../src/emulators/storage-emulator';
import { testClients, uniqueUserId } from '../helpers/backend';

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-g', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('the shared test emulators', () => {
  it('serve a firebase-admin write and read', async () => {
    const clients = testClients();
    try {
      const ref = clients.firestore.collection('health_data').doc(uniqueUserId('doc'));
      await ref.set({ user_id: 'x', value: 1.5, tags: ['a'] });
      const snapshot = await ref.get();
      expect(snapshot.data()).toEqual({ user_id: 'x', value: 1.5, tags: ['a'] });
      expect(snapshot.updateTime).toBeDefined();
    } finally {
      await clients.close();
    }
  });

  it('serve a Storage upload, a download and a token download URL that returns the bytes', async () => {
    const clients = testClients();
    try {
      const file = clients.bucket().file(`users/${uniqueUserId()}/voice/n1.m4a`);
      const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
      await file.save(bytes, { contentType: 'audio/mp4' });
      const [downloaded] = await file.download();
      expect(downloaded.equals(bytes)).toBe(true);
      const url = await getDownloadUrl(file);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v0\/b\/.+\?alt=media&token=/);
      const response = await fetch(url);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      await clients.close();
    }
  });
});

describe('a Firestore emulator of its own', () => {
  it('starts, serves, resets, and stops leaving no process and no port behind', async () => {
    const emulator = await startFirestoreEmulator({ projectId: 'demo-lifecycle' });
    expect(emulator.startupMs).toBeGreaterThan(0);
    const clients = createFirebaseClients({
      projectId: 'demo-lifecycle',
      firestore: emulator.endpoint,
    });
    try {
      await clients.firestore.collection('text_notes').doc('a').set({ content: 'x' });
      expect((await clients.firestore.collection('text_notes').doc('a').get()).exists).toBe(true);
      await emulator.reset();
      expect((await clients.firestore.collection('text_notes').doc('a').get()).exists).toBe(false);
    } finally {
      await clients.close();
    }
    expect(childrenOf(emulator.pid).length).toBeGreaterThan(0);
    await emulator.stop();
    expect(processExists(emulator.pid)).toBe(false);
    expect(childrenOf(emulator.pid)).toEqual([]);
    expect(await isPortFree(emulator.port)).toBe(true);
  });

  it('is stopped when the process that started it dies of an uncaught error', async () => {
    const fixture = path.join(__dirname, '..', 'fixtures', 'crash-with-emulator.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    const [pid, port] = stdout.trim().split(' ').map(Number);
    expect(pid).toBeGreaterThan(0);
    // SIGKILL was sent on the way out; the kernel takes a moment to remove the processes.
    for (let i = 0; i < 100 && childrenOf(pid).length > 0; i += 1)
      await new Promise((r) => setTimeout(r, 50));
    expect(childrenOf(pid)).toEqual([]);
    expect(await isPortFree(port)).toBe(true);
  });

  it('is stopped when the process that started it is killed with SIGKILL (no cleanup runs)', async () => {
    const fixture = path.join(__dirname, '..', 'fixtures', 'emulator-then-wait.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const started = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('\n')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the fixture exited with ${code}`)));
    });
    await started;
    const [pid, port] = stdout.trim().split(' ').map(Number);
    expect(childrenOf(pid).length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    // The group's watch looks once a second; give it ten.
    for (let i = 0; i < 200 && (childrenOf(pid).length > 0 || !(await isPortFree(port))); i += 1)
      await new Promise((r) => setTimeout(r, 50));
    expect(childrenOf(pid)).toEqual([]);
    expect(await isPortFree(port)).toBe(true);
  }, 90_000);

  it('without Java, says so and what to install (not "java: command not found")', async () => {
    const { found } = findFirestoreEmulator();
    expect(found).not.toBeNull();
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent-bin'; // the launcher's `java` (and this probe's) are gone
    try {
      await expect(
        startFirestoreEmulator({
          projectId: 'demo-nojava',
          binary: found!,
          startTimeoutMs: 15_000,
        }),
      ).rejects.toThrow(/Java 17 or newer is needed .*openjdk-17-jre-headless/);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('says it cannot start on a port that is taken', async () => {
    const first = await startFirestoreEmulator({ projectId: 'demo-port' });
    try {
      await expect(
        startFirestoreEmulator({ projectId: 'demo-port', port: first.port }),
      ).rejects.toThrow(
        /Port 127\.0\.0\.1:\d+ is taken; pick another with `emulators start --firestore-port N`/,
      );
    } finally {
      await first.stop();
    }
  });

  it('without an emulator anywhere, fails with an EnvironmentError naming what was searched', async () => {
    const env = { FIRESTORE_EMULATOR_BINARY_PATH: '/nonexistent/cloud_firestore_emulator' };
    expect(findFirestoreEmulator(env)).toEqual({
      found: null,
      searched: [`FIRESTORE_EMULATOR_BINARY_PATH=${env.FIRESTORE_EMULATOR_BINARY_PATH}`],
    });
    const saved = process.env.FIRESTORE_EMULATOR_BINARY_PATH;
    process.env.FIRESTORE_EMULATOR_BINARY_PATH = env.FIRESTORE_EMULATOR_BINARY_PATH;
    try {
      const attempt = startFirestoreEmulator({ projectId: 'demo-missing' });
      await expect(attempt).rejects.toBeInstanceOf(EnvironmentError);
      await expect(attempt).rejects.toThrow(
        /not found.*\/nonexistent\/cloud_firestore_emulator.*setup:emulators:firestore/s,
      );
    } finally {
      if (saved === undefined) delete process.env.FIRESTORE_EMULATOR_BINARY_PATH;
      else process.env.FIRESTORE_EMULATOR_BINARY_PATH = saved;
    }
  });
});

describe('a Storage emulator of its own (one per process)', () => {
  it('keeps blobs in its own folder, resets, and removes the folder when stopped', async () => {
    const storage = await startStorageEmulator({
      host: '127.0.0.1',
      port: 0,
      projectId: 'demo-own-storage',
    });
    const clients = createFirebaseClients({
      projectId: 'demo-own-storage',
      firestore: '127.0.0.1:1',
      storage: storage.endpoint,
    });
    try {
      const file = clients.bucket().file('users/u1/photos/p.jpg');
      await file.save(Buffer.from('jpeg-bytes'));
      expect((await file.exists())[0]).toBe(true);
      await storage.reset();
      expect((await file.exists())[0]).toBe(false);
      await expect(
        startStorageEmulator({ host: '127.0.0.1', port: 0, projectId: 'demo-own-storage' }),
      ).rejects.toThrow(/already running in this process/);
    } finally {
      await clients.close();
      await storage.stop();
    }
    const fs = await import('node:fs');
    expect(fs.existsSync(storage.blobDir)).toBe(false);
    expect(await isPortFree(storage.port)).toBe(true);
  });
});
