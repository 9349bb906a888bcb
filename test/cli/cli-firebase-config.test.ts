import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFirebaseClients } from '../../src/adapters/firebase-clients';
import { findFreePort } from '../../src/emulators/free-port';
import { collect, runCli, startCli, waitForOutput } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Run inside the app's repository, the CLI uses the app's firebase.json ports and its .firebaserc
 * project (issue 18, finding 7): `emulators start` listens where the app connects, and another
 * command attaches to what answers there instead of starting emulators the app never sees.
 */
describe('personalai-sync and the app’s firebase.json / .firebaserc', () => {
  const tempDir = useTempDir();

  it('emulators start listens on firebase.json’s ports with .firebaserc’s project, and seed + sync from that folder attach to them', async () => {
    const app = tempDir();
    const [firestorePort, storagePort, authPort] = [
      await findFreePort(),
      await findFreePort(),
      await findFreePort(),
    ];
    fs.writeFileSync(
      path.join(app, 'firebase.json'),
      JSON.stringify({
        emulators: {
          firestore: { host: '127.0.0.1', port: firestorePort },
          storage: { host: '127.0.0.1', port: storagePort },
          auth: { host: '127.0.0.1', port: authPort },
        },
      }),
    );
    fs.writeFileSync(
      path.join(app, '.firebaserc'),
      JSON.stringify({ projects: { default: 'demo-app-config' } }),
    );
    const emulators = startCli(
      ['--data-dir', path.join(app, 'managed'), 'emulators', 'start'],
      {},
      { cwd: app },
    );
    const exited = collect(emulators, 120_000);
    try {
      const stdout = await waitForOutput(emulators, /Press Ctrl-C to stop\./, 90_000);
      expect(stdout).toContain(`export FIRESTORE_EMULATOR_HOST=127.0.0.1:${firestorePort}`);
      expect(stdout).toContain(`export FIREBASE_STORAGE_EMULATOR_HOST=127.0.0.1:${storagePort}`);
      expect(stdout).toContain(`export FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:${authPort}`);
      expect(stdout).toContain('export GCLOUD_PROJECT=demo-app-config');
      expect(stdout).toContain(`Config              ${path.join(app, 'firebase.json')}`);

      // Another data directory, no registration, no variables: only firebase.json says where.
      const base = ['--data-dir', path.join(app, 'other'), '--user', 'cfg-user'];
      const seeded = await runCli([...base, 'seed', '--count', '6'], {}, 90_000, { cwd: app });
      expect(seeded.code, seeded.stderr).toBe(0);
      const synced = await runCli([...base, '--json', 'sync'], {}, 120_000, { cwd: app });
      expect(synced.code, synced.stderr).toBe(0);
      expect(synced.stderr).toContain(
        `Using the emulators running on the ports ${path.join(app, 'firebase.json')} names (Firestore 127.0.0.1:${firestorePort}, Storage 127.0.0.1:${storagePort})`,
      );
      expect(synced.stderr).not.toContain('Started emulators');
      // The records are on that emulator, under the app's project.
      const clients = createFirebaseClients(
        { projectId: 'demo-app-config', firestore: `127.0.0.1:${firestorePort}` },
        'config-check',
      );
      try {
        let documents = 0;
        for (const table of ['health_data', 'location_data', 'text_notes'])
          documents += (
            await clients.firestore.collection(table).where('user_id', '==', 'cfg-user').get()
          ).size;
        expect(documents).toBeGreaterThan(0);
      } finally {
        await clients.close();
      }
    } finally {
      emulators.kill('SIGINT');
      await exited;
    }
  }, 300_000);

  it('a firebase.json that is not JSON is named, with what to do, and nothing runs', async () => {
    const app = tempDir();
    fs.writeFileSync(path.join(app, 'firebase.json'), '{ "emulators": ');
    const result = await runCli(['--data-dir', path.join(app, 'd'), 'status'], {}, 30_000, {
      cwd: app,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${path.join(app, 'firebase.json')} is not valid JSON`);
  });
});
