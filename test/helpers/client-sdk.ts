import type { Firestore } from 'firebase/firestore';
import { deleteField, serverTimestamp } from 'firebase/firestore';
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
  const client = openClient({ projectId, firestore: endpoint, userId, label: 'test' });
  return { firestore: client.firestore, close: () => client.close() };
}
