import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFirebaseJson, parseFirebaseConfig } from '../../src/emulators/firebase-config';
import { useTempDir } from '../helpers/temp-dir';

describe('the app’s firebase.json and .firebaserc (issue 18, finding 7)', () => {
  const tempDir = useTempDir();

  it('reads the emulators’ ports, reaching 0.0.0.0 and localhost on loopback', () => {
    const config = parseFirebaseConfig(
      '/app/firebase.json',
      {
        emulators: {
          firestore: { host: '0.0.0.0', port: 8181 },
          storage: { port: '9299' },
          auth: { host: 'localhost', port: 9399 },
          ui: { enabled: false },
        },
      },
      '/app/.firebaserc',
      { projects: { default: 'demo-app' } },
    );
    expect(config).toMatchObject({
      emulators: { firestore: '127.0.0.1:8181', storage: '127.0.0.1:9299', auth: '127.0.0.1:9399' },
      ports: { firestore: 8181, storage: 9299, auth: 9399 },
      projectId: 'demo-app',
      rcFile: '/app/.firebaserc',
      ignored: [],
    });
  });

  it('does not use another host, a bad port, or a real project, and says why', () => {
    const config = parseFirebaseConfig(
      '/app/firebase.json',
      { emulators: { firestore: { host: '10.0.0.5', port: 8080 }, storage: { port: 70_000 } } },
      '/app/.firebaserc',
      { projects: { default: 'personalai-prod' } },
    );
    expect(config.emulators).toEqual({});
    expect(config.projectId).toBeNull();
    expect(config.ignored).toEqual([
      "emulators.firestore.host 10.0.0.5 is not this machine's loopback",
      'emulators.storage.port 70000 is not a port',
      `.firebaserc's default project "personalai-prod" is a real project (emulator ids start with demo-: use --project demo-…)`,
    ]);
  });

  it('configures nothing without an emulators section or a .firebaserc', () => {
    const config = parseFirebaseConfig('/app/firebase.json', { firestore: {} }, null, undefined);
    expect(config).toMatchObject({ emulators: {}, ports: {}, projectId: null, ignored: [] });
  });

  it('is found in the current folder or the nearest one above it, as firebase-tools finds it', () => {
    const root = tempDir();
    const deep = path.join(root, 'app', 'src', 'deep');
    fs.mkdirSync(deep, { recursive: true });
    expect(findFirebaseJson(deep)).toBeNull();
    fs.writeFileSync(path.join(root, 'app', 'firebase.json'), '{}');
    expect(findFirebaseJson(deep)).toBe(path.join(root, 'app', 'firebase.json'));
  });
});
