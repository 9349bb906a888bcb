import type { TestProject } from 'vitest/node';
import { FIRESTORE_RULES_FILE, STORAGE_RULES_FILE } from '../../src/emulators/backend';
import { startFirestoreEmulator } from '../../src/emulators/firestore-emulator';
import { startStorageEmulator } from '../../src/emulators/storage-emulator';
import { installLoopbackGuard, violations } from './loopback-guard';

export const TEST_PROJECT_ID = 'demo-personalai-test';

declare module 'vitest' {
  export interface ProvidedContext {
    firestoreEndpoint: string;
    storageEndpoint: string;
    projectId: string;
    firestoreStartupMs: number;
    /** `enforced` where the Storage rules runtime JAR is present, else `open`. */
    storageRules: 'enforced' | 'open';
  }
}

/**
 * One Firestore emulator (Google's, a child process) and one Storage emulator (firebase-tools,
 * in this process) for the whole run. Tests keep apart by user id, so nothing resets globally.
 */
export default async function setup(project: TestProject) {
  process.env.METADATA_SERVER_DETECTION = 'none';
  installLoopbackGuard();
  const firestore = await startFirestoreEmulator({
    projectId: TEST_PROJECT_ID,
    rulesFile: FIRESTORE_RULES_FILE,
  });
  const storage = await startStorageEmulator({
    host: '127.0.0.1',
    port: 0,
    projectId: TEST_PROJECT_ID,
    rulesFile: STORAGE_RULES_FILE,
  });
  project.provide('firestoreEndpoint', firestore.endpoint);
  project.provide('storageEndpoint', storage.endpoint);
  project.provide('projectId', TEST_PROJECT_ID);
  project.provide('firestoreStartupMs', firestore.startupMs);
  project.provide('storageRules', storage.rules);
  process.stderr.write(
    `[test setup] Firestore emulator ${firestore.endpoint} (ready in ${firestore.startupMs} ms), Storage emulator ${storage.endpoint} (rules ${storage.rules}${storage.rules === 'open' ? `: no runtime at ${storage.rulesRuntime.jar}` : ''})\n`,
  );
  return async () => {
    await Promise.allSettled([storage.stop(), firestore.stop()]);
    if (violations.length > 0) {
      throw new Error(`Connections were attempted off loopback:\n${violations.join('\n')}`);
    }
  };
}
