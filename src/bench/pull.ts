import { createFirebaseClients } from '../adapters/firebase-clients';
import type { Sdk } from '../core/sdk';
import { DATA_TABLES } from '../db/schema-current';
import { BENCH_USER, openBenchDevice } from './bench-device';
import type { Figure } from './figure';
import { BENCH_PROJECT } from './fresh-emulator';
import { measure } from './measure';
import { benchRows } from './records';

/**
 * Pull: a first sync of N remote records into an empty device, against the ceiling: a paged
 * firebase-admin query (1,000 a page, the same order) of the same documents. The documents are
 * put there first by another device's push (not measured).
 */
export async function seedRemote(endpoint: string, dir: string, n: number): Promise<void> {
  const writer = await openBenchDevice({ dir, name: 'seeder', firestore: endpoint });
  try {
    for (const { table, rows } of benchRows(n)) await writer.sync.store.create(table, rows);
    const result = await writer.sync.syncAll();
    if (result.pushed !== n) throw new Error(`seeding: ${result.pushed} of ${n} pushed`);
  } finally {
    await writer.close();
  }
}

export async function pullOurs(
  endpoint: string,
  dir: string,
  n: number,
  name = 'puller',
  sdk: Sdk = 'admin',
): Promise<Figure> {
  const reader = await openBenchDevice({ dir, name, firestore: endpoint, sdk });
  try {
    const run = await measure(() => reader.sync.syncAll());
    if (run.value.pulled !== n || run.value.failed > 0)
      throw new Error(`pull: ${run.value.pulled} of ${n} pulled, ${run.value.failed} failed`);
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await reader.close();
  }
}

export async function pullCeiling(endpoint: string, n: number): Promise<Figure> {
  const clients = createFirebaseClients(
    { projectId: BENCH_PROJECT, firestore: endpoint },
    'raw-pull',
  );
  try {
    const run = await measure(async () => {
      let read = 0;
      for (const table of DATA_TABLES) {
        let last: FirebaseFirestore.QueryDocumentSnapshot | null = null;
        for (;;) {
          let query = clients.firestore
            .collection(table)
            .where('user_id', '==', BENCH_USER)
            .orderBy('_server_time')
            .limit(1000);
          if (last) query = query.startAfter(last);
          const page = await query.get();
          read += page.size;
          if (page.size < 1000) break;
          last = page.docs[page.docs.length - 1];
        }
      }
      return read;
    });
    if (run.value !== n) throw new Error(`raw pull read ${run.value} of ${n}`);
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await clients.close();
  }
}
