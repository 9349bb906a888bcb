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

/**
 * The run's emulators under a project of their own (`demo-…-tag`): for test files that run
 * scenarios. A scenario's record ids are document ids, so two files running scenarios side by
 * side in one project would write each other's documents (docs/scenarios.md, "Reproducibility").
 */
export function scenarioEndpoints(tag: string): {
  projectId: string;
  firestore: string;
  storage: string;
} {
  const e = testEndpoints();
  return { ...e, projectId: `${e.projectId}-${tag}` };
}

/** The CLI flags that point a command at the test run's emulators (optionally a tagged project). */
export function backendArgs(tag?: string): string[] {
  const e = tag ? scenarioEndpoints(tag) : testEndpoints();
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
