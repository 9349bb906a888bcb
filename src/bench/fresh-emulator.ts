import { createFirebaseClients } from '../adapters/firebase-clients';
import { FIRESTORE_RULES_FILE } from '../emulators/backend';
import {
  type FirestoreEmulatorHandle,
  startFirestoreEmulator,
} from '../emulators/firestore-emulator';

export const BENCH_PROJECT = 'demo-personalai-bench';

/**
 * A Firestore emulator of its own for one measured run (the emulator slows down as it ages and
 * does not give memory back after a reset: ENVIRONMENT.md), warmed up first in another project
 * so its JIT is hot and the measured project is empty, and the measured project touched once
 * (touchProject).
 */
export async function withFreshEmulator<T>(run: (endpoint: string) => Promise<T>): Promise<T> {
  const emulator = await startBenchEmulator();
  try {
    return await run(emulator.endpoint);
  } finally {
    await emulator.stop();
  }
}

/** How a bench run gets its emulator: `run(measure)` runs `measure` on one. */
export type OnEmulator = <T>(run: (endpoint: string) => Promise<T>) => Promise<T>;

/**
 * The emulators of one bench: a fresh one per run (the default, for figures), or one for every
 * run, its data reset in between (`--one-emulator`, for smoke runs: far fewer JVM starts, but the
 * figures drift as the emulator ages). `close()` stops what is left.
 */
export function benchEmulators(one: boolean): { run: OnEmulator; close(): Promise<void> } {
  if (!one) return { run: withFreshEmulator, close: async () => {} };
  let shared: Promise<FirestoreEmulatorHandle> | null = null;
  return {
    run: async (measure) => {
      shared ??= startBenchEmulator();
      const emulator = await shared;
      await emulator.reset();
      return measure(emulator.endpoint);
    },
    close: async () => {
      const emulator = await shared?.catch(() => null); // a failed start was reported by its run
      await emulator?.stop();
    },
  };
}

/** A bench emulator with the rules loaded, warmed up in another project, the measured one touched. */
async function startBenchEmulator(): Promise<FirestoreEmulatorHandle> {
  // The rules are loaded as a real project has them: client-SDK contenders are checked by them.
  const emulator: FirestoreEmulatorHandle = await startFirestoreEmulator({
    projectId: BENCH_PROJECT,
    rulesFile: FIRESTORE_RULES_FILE,
  });
  try {
    await warmUp(emulator.endpoint);
    return emulator;
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

async function warmUp(endpoint: string): Promise<void> {
  const clients = createFirebaseClients(
    { projectId: 'demo-warmup', firestore: endpoint },
    'warmup',
  );
  try {
    const db = clients.firestore;
    for (let round = 0; round < 3; round += 1) {
      await Promise.all(
        Array.from({ length: 4 }, async (_, b) => {
          const batch = db.batch();
          for (let i = 0; i < 500; i += 1)
            batch.set(db.collection('warm').doc(`${round}-${b}-${i}`), {
              user_id: 'w',
              v: i,
              _server_time: new Date(),
            });
          await batch.commit();
        }),
      );
      await db
        .collection('warm')
        .where('user_id', '==', 'w')
        .orderBy('_server_time')
        .limit(1000)
        .get();
    }
  } finally {
    await clients.close();
  }
  await touchProject(endpoint, BENCH_PROJECT);
}

/**
 * The emulator's first request in a project waits 300–700 ms (measured here, with ~6 ms of the
 * client's CPU) while it sets the project up, whatever the request; later ones take
 * milliseconds, also after a reset. Unwarmed, the measured run's first call paid it: a drain
 * pass's first pull waited ~500 ms of its ~750. A read of a missing document pays it and leaves
 * the project empty.
 */
async function touchProject(endpoint: string, projectId: string): Promise<void> {
  const clients = createFirebaseClients({ projectId, firestore: endpoint }, 'touch');
  try {
    await clients.firestore.collection('bench_warmup').doc('none').get();
  } finally {
    await clients.close();
  }
}
