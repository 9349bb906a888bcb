import { inject } from 'vitest';
import { createFirebaseClients } from '../../src/adapters/firebase-clients';

/** The emulators the global setup started for this run. */
export function testEndpoints(): { projectId: string; firestore: string; storage: string } {
  return {
    projectId: inject('projectId'),
    firestore: inject('firestoreEndpoint'),
    storage: inject('storageEndpoint'),
  };
}

/** The CLI flags that point a command at the test run's emulators. */
export function backendArgs(): string[] {
  const e = testEndpoints();
  return ['--project', e.projectId, '--firestore', e.firestore, '--storage', e.storage];
}

export function testClients(label = 'test') {
  return createFirebaseClients(testEndpoints(), label);
}

let counter = 0;
/** A user id no other test uses: tests share one emulator and never reset it globally. */
export function uniqueUserId(prefix = 'u'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
