import { FieldPath, Timestamp } from 'firebase-admin/firestore';
import { createFirebaseClients } from '../adapters/firebase-clients';
import type { Sdk } from '../core/sdk';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { KNOB_DEFAULTS } from '../sync/sync-knobs';
import { BENCH_USER, openBenchDevice } from './bench-device';
import type { Figure } from './figure';
import { BENCH_PROJECT } from './fresh-emulator';
import { measure } from './measure';
import { benchRows } from './records';

/**
 * Pull: a first sync of N remote records into an empty device, against the ceiling: the same
 * paged firebase-admin queries the engine makes (pullCeiling) of the same documents. The documents are
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
  pageSize?: number,
): Promise<Figure> {
  const reader = await openBenchDevice({ dir, name, firestore: endpoint, sdk, pageSize });
  try {
    const run = await measure(() => reader.sync.syncAll());
    if (run.value.pulled !== n || run.value.failed > 0)
      throw new Error(`pull: ${run.value.pulled} of ${n} pulled, ${run.value.failed} failed`);
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await reader.close();
  }
}

/**
 * The ceiling reads as the engine does (src/adapters/firestore-remote.ts pullPage): the five
 * collections at once, each page by page with the engine's page size and query (this user's
 * documents with a timestamp `_server_time`, ordered by it and the id, the next page after the
 * last one read), so what separates the two is what the engine does with the pages. Only the
 * count of each page is kept.
 */
export async function pullCeiling(
  endpoint: string,
  n: number,
  pageSize: number = KNOB_DEFAULTS.pageSize,
): Promise<Figure> {
  const clients = createFirebaseClients(
    { projectId: BENCH_PROJECT, firestore: endpoint },
    'raw-pull',
  );
  const readCollection = async (table: DataTable): Promise<number> => {
    let read = 0;
    let last: { time: Timestamp; id: string } | null = null;
    for (;;) {
      let query = clients.firestore
        .collection(table)
        .where('user_id', '==', BENCH_USER)
        .where('_server_time', '>=', EPOCH)
        .orderBy('_server_time')
        .orderBy(FieldPath.documentId());
      if (last) query = query.startAfter(last.time, last.id);
      const page = await query.limit(pageSize).get();
      read += page.size;
      if (page.size < pageSize) return read;
      const doc = page.docs[page.docs.length - 1];
      last = { time: doc.get('_server_time') as Timestamp, id: doc.id };
    }
  };
  try {
    const run = await measure(async () => {
      const counts = await Promise.all(DATA_TABLES.map(readCollection));
      return counts.reduce((a, b) => a + b, 0);
    });
    if (run.value !== n) throw new Error(`raw pull read ${run.value} of ${n}`);
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await clients.close();
  }
}

const EPOCH = new Timestamp(0, 0);
