import { FieldValue } from 'firebase-admin/firestore';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { BENCH_USER } from './bench-device';
import { BENCH_PROJECT } from './fresh-emulator';
import { benchRow, benchShares, wireDocument } from './records';

/**
 * Puts N of the engine's documents on the emulator with raw batched writes (500 a batch, 4 in
 * flight), for the memory phases: a million records pushed through an engine would take far
 * longer than the pull measured after it. The documents are the engine's own (wireDocument plus
 * the meta fields a create sends, docs/wire-format.md), so the puller cannot tell them apart from
 * a device's push. Rows are made batch by batch: the seeder never holds all N.
 */
export async function seedRemoteRaw(endpoint: string, n: number): Promise<void> {
  const clients = createFirebaseClients({ projectId: BENCH_PROJECT, firestore: endpoint }, 'seed');
  const db = clients.firestore;
  const now = Date.now();
  const inFlight: Promise<unknown>[] = [];
  try {
    for (const { table, count } of benchShares(n)) {
      const collection = db.collection(table);
      for (let start = 0; start < count; start += 500) {
        const batch = db.batch();
        for (let i = start; i < Math.min(count, start + 500); i += 1)
          batch.create(collection.doc(`seed-${i}`), {
            ...wireDocument(table, benchRow(table, i), BENCH_USER, now),
            _server_time: FieldValue.serverTimestamp(),
            _device: 'seeder',
            _deleted: false,
          });
        inFlight.push(batch.commit());
        if (inFlight.length >= 4) await inFlight.shift();
      }
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight); // a failed commit is thrown above; the rest end first
    await clients.close();
  }
}
