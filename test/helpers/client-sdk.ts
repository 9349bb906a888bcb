import * as app from 'firebase/app';
import * as firestoreSdk from 'firebase/firestore';
import { deleteField, type Firestore, serverTimestamp } from 'firebase/firestore';
import { openClientFirestore as openClient } from '../../src/adapters/client-firestore';
import type { WriteSentinels } from '../../src/adapters/firestore-remote';
import { testEndpoints } from './backend';

/** The client SDK's special values, for the engine's own document builder. */
export const CLIENT_SENTINELS: WriteSentinels = { serverTimestamp, deleteField };

/**
 * The app's own SDK (firebase@12.19.0) signed in as `userId` on the test run's Firestore emulator,
 * with firestore.rules enforced (the emulator's test-only `mockUserToken`, as a phone's signed-in
 * user). Plays the phone, or any other client of the user that is not a simulated device.
 */
export function openClientFirestore(
  userId: string,
  endpoint: string = testEndpoints().firestore,
): {
  firestore: Firestore;
  close(): Promise<void>;
} {
  const { projectId } = testEndpoints();
  // This module's own SDK imports, so that tests can use the Firestore with theirs.
  const client = openClient(
    { projectId, firestore: endpoint, userId, label: 'test' },
    { app, firestore: firestoreSdk },
  );
  return { firestore: client.firestore, close: () => client.close() };
}
