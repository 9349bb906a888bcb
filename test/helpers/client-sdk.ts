import { deleteApp, initializeApp } from 'firebase/app';
import {
  connectFirestoreEmulator,
  deleteField,
  type Firestore,
  getFirestore,
  serverTimestamp,
  setLogLevel,
  terminate,
} from 'firebase/firestore';
import type { WriteSentinels } from '../../src/adapters/firestore-remote';
import { testEndpoints } from './backend';

/** The client SDK's special values, for the engine's own document builder. */
export const CLIENT_SENTINELS: WriteSentinels = { serverTimestamp, deleteField };

let apps = 0;

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
  setLogLevel('silent');
  const { projectId } = testEndpoints();
  const at = endpoint.lastIndexOf(':');
  apps += 1;
  const app = initializeApp({ projectId, apiKey: 'demo-key' }, `client-${process.pid}-${apps}`);
  const firestore = getFirestore(app);
  connectFirestoreEmulator(firestore, endpoint.slice(0, at), Number(endpoint.slice(at + 1)), {
    mockUserToken: { user_id: userId },
  });
  return {
    firestore,
    async close() {
      await terminate(firestore);
      await deleteApp(app);
    },
  };
}
