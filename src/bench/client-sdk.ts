import { openClientFirestore } from '../adapters/client-firestore';
import { DATA_TABLES } from '../db/schema-current';
import { KNOB_DEFAULTS } from '../sync/sync-knobs';
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
 *   pull  the pull's query (the user's documents ordered by `_server_time`), the engine's page
 *         size, the five collections in parallel as the engine reads them
 */

/** Documents per page: the engine's default pull page. */
const PAGE = KNOB_DEFAULTS.pageSize;
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
    // The five collections side by side, each paged in order, as the engine's pull reads them
    // (sync-manager.ts syncs the collections in parallel): read one after another, the ceiling
    // would be slower than the engine it bounds.
    const run = await measure(async () => {
      const counts = await Promise.all(
        DATA_TABLES.map(async (table) => {
          let read = 0;
          let last: import('firebase/firestore').QueryDocumentSnapshot | null = null;
          for (;;) {
            const constraints: import('firebase/firestore').QueryConstraint[] = [
              sdk.where('user_id', '==', BENCH_USER),
              sdk.orderBy('_server_time'),
              sdk.limit(PAGE),
            ];
            if (last) constraints.push(sdk.startAfter(last));
            const page = await sdk.getDocs(sdk.query(sdk.collection(db, table), ...constraints));
            read += page.size;
            if (page.size < PAGE) return read;
            last = page.docs[page.docs.length - 1];
          }
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    });
    if (run.value !== n) throw new Error(`raw client pull read ${run.value} of ${n}`);
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await client.close();
  }
}
