import { openClientFirestore } from '../adapters/client-firestore';
import { DATA_TABLES } from '../db/schema-current';
import { BENCH_USER } from './bench-device';
import type { Figure } from './figure';
import { BENCH_PROJECT } from './fresh-emulator';
import { measure } from './measure';
import { benchRows, wireDocument } from './records';

/**
 * The client SDK's ceilings: the app's own SDK (firebase@12.19.0), signed in as the bench user
 * with the rules enforced, doing the raw work the engine's client devices do, as fast as it can.
 *   push  the same documents the engine writes, in 500-write batches, 4 in flight (no version
 *         check: a raw writer assumes nobody else writes)
 *   pull  the pull's query (the user's documents ordered by `_server_time`), 1,000 a page
 */
function openBenchClient(endpoint: string, label: string) {
  return openClientFirestore({
    projectId: BENCH_PROJECT,
    firestore: endpoint,
    userId: BENCH_USER,
    label,
  });
}

export async function pushClientCeiling(endpoint: string, n: number): Promise<Figure> {
  const client = openBenchClient(endpoint, 'raw-client-push');
  const { sdk, firestore: db } = client;
  const now = Date.now();
  try {
    const run = await measure(async () => {
      const inFlight: Promise<void>[] = [];
      for (const { table, rows } of benchRows(n)) {
        for (let start = 0; start < rows.length; start += 500) {
          const batch = sdk.writeBatch(db);
          rows.slice(start, start + 500).forEach((row, k) => {
            batch.set(sdk.doc(db, table, `rawc-${table}-${start + k}`), {
              ...wireDocument(table, row, BENCH_USER, now),
              _server_time: sdk.serverTimestamp(),
              _device: 'raw-client',
              _deleted: false,
            });
          });
          inFlight.push(batch.commit());
          if (inFlight.length >= 4) await inFlight.shift();
        }
      }
      await Promise.all(inFlight);
    });
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await client.close();
  }
}

export async function pullClientCeiling(endpoint: string, n: number): Promise<Figure> {
  const client = openBenchClient(endpoint, 'raw-client-pull');
  const { sdk, firestore: db } = client;
  try {
    const run = await measure(async () => {
      let read = 0;
      for (const table of DATA_TABLES) {
        let last: import('firebase/firestore').QueryDocumentSnapshot | null = null;
        for (;;) {
          const constraints: import('firebase/firestore').QueryConstraint[] = [
            sdk.where('user_id', '==', BENCH_USER),
            sdk.orderBy('_server_time'),
            sdk.limit(1000),
          ];
          if (last) constraints.push(sdk.startAfter(last));
          const page = await sdk.getDocs(sdk.query(sdk.collection(db, table), ...constraints));
          read += page.size;
          if (page.size < 1000) break;
          last = page.docs[page.docs.length - 1];
        }
      }
      return read;
    });
    if (run.value !== n) throw new Error(`raw client pull read ${run.value} of ${n}`);
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await client.close();
  }
}
