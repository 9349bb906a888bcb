import { type Model, Q } from '@nozbe/watermelondb';
import { FieldValue } from 'firebase-admin/firestore';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { ADMIN_SENTINELS } from '../adapters/firestore-remote';
import type { Sdk } from '../core/sdk';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { documentWrite } from '../sync/document-write';
import type { RemoteWrite } from '../sync/remote-store';
import { KNOB_DEFAULTS } from '../sync/sync-knobs';
import { META } from '../sync/wire-format';
import { BENCH_USER, openBenchDevice } from './bench-device';
import type { Figure } from './figure';
import { BENCH_PROJECT } from './fresh-emulator';
import { measure } from './measure';
import { benchRows, wireDocument } from './records';

/**
 * Push: N pending records of mixed tables.
 *   ours     the full sync pipeline (SyncManager.syncAll on a device with N pending records)
 *   ceiling  firebase-admin writing the same documents as fast as it can: 500-write batches with
 *            4 in flight, and BulkWriter; the faster of the two
 *   protocol firebase-admin writing the same documents the way the engine must (protocolCeiling)
 *   design   the app's current design: per record one set(merge) round trip, then one local
 *            write transaction marking it synced
 */
export async function pushOurs(
  endpoint: string,
  dir: string,
  n: number,
  tuning: { maxInFlight?: number; batchSize?: number; sdk?: Sdk } = {},
): Promise<Figure> {
  const device = await openBenchDevice({ dir, name: 'pusher', firestore: endpoint, ...tuning });
  try {
    for (const { table, rows } of benchRows(n)) await device.sync.store.create(table, rows);
    const run = await measure(() => device.sync.syncAll());
    if (run.value.pushed !== n || run.value.failed > 0)
      throw new Error(`push: ${run.value.pushed} of ${n} pushed, ${run.value.failed} failed`);
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await device.close();
  }
}

export async function pushCeiling(
  endpoint: string,
  n: number,
): Promise<Figure & { method: string }> {
  let best: (Figure & { method: string }) | null = null;
  for (const how of RAW_METHODS) {
    const figure = { ...(await rawWrites(endpoint, n, how)), method: how };
    if (!best || figure.ms < best.ms) best = figure;
  }
  return best!;
}

/** The ways firebase-admin can write N documents fast; the ceiling is the fastest of them. */
const RAW_METHODS = [
  'batches of 500, 4 in flight',
  'batches of 500, 8 in flight',
  'BulkWriter',
] as const;

export async function rawWrites(
  endpoint: string,
  n: number,
  how: (typeof RAW_METHODS)[number],
): Promise<Figure> {
  const clients = createFirebaseClients(
    { projectId: BENCH_PROJECT, firestore: endpoint },
    `raw-${RAW_METHODS.indexOf(how)}`,
  );
  const db = clients.firestore;
  // Each method writes its own copies (distinct ids) of the very documents the engine writes.
  const prefix = `raw${RAW_METHODS.indexOf(how)}-`;
  const now = Date.now();
  const meta = () => ({
    _server_time: FieldValue.serverTimestamp(),
    _device: 'raw',
    _deleted: false,
  });
  try {
    const run = await measure(async () => {
      if (how === 'BulkWriter') {
        const writer = db.bulkWriter();
        writer.onWriteError(() => false);
        for (const { table, rows } of benchRows(n))
          rows.forEach((row, i) => {
            void writer.set(db.collection(table).doc(`${prefix}${table}-${i}`), {
              ...wireDocument(table, row, BENCH_USER, now),
              ...meta(),
            });
          });
        await writer.close();
        return;
      }
      const limit = how.includes('8 in flight') ? 8 : 4;
      const inFlight: Promise<unknown>[] = [];
      for (const { table, rows } of benchRows(n)) {
        for (let start = 0; start < rows.length; start += 500) {
          const batch = db.batch();
          rows.slice(start, start + 500).forEach((row, k) => {
            batch.set(db.collection(table).doc(`${prefix}${table}-${start + k}`), {
              ...wireDocument(table, row, BENCH_USER, now),
              ...meta(),
            });
          });
          inFlight.push(batch.commit());
          if (inFlight.length >= limit) await inFlight.shift();
        }
      }
      await Promise.all(inFlight);
    });
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await clients.close();
  }
}

export async function pushDesign(endpoint: string, dir: string, n: number): Promise<Figure> {
  const device = await openBenchDevice({ dir, name: 'design', firestore: endpoint });
  const db = device.clients.firestore;
  try {
    for (const { table, rows } of benchRows(n)) await device.sync.store.create(table, rows);
    const records: Array<{ table: DataTable; record: Model }> = [];
    for (const table of DATA_TABLES)
      for (const record of await device.opened.database
        .get(table)
        .query(Q.where('sync_status', 'pending'))
        .fetch())
        records.push({ table, record });
    const run = await measure(async () => {
      // SyncManager.syncCollection as the app has it: one round trip and one transaction each.
      for (const { table, record } of records) {
        const raw = record._raw as unknown as Record<string, unknown>;
        const { _status, _changed, sync_status, synced_at, remote_version, ...data } = raw;
        await db
          .collection(table)
          .doc(record.id)
          .set({ ...data, updatedAt: new Date() }, { merge: true });
        await device.opened.database.write(() =>
          record.update((r: Model) => {
            (r._raw as unknown as Record<string, unknown>).sync_status = 'synced';
            (r._raw as unknown as Record<string, unknown>).synced_at = Date.now();
          }),
        );
      }
    });
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await device.close();
  }
}

/**
 * The protocol ceiling: firebase-admin writing the engine's very documents the way the engine
 * must (docs/wire-format.md, "Push"), as fast as that allows, so the report can tell what the
 * protocol costs (protocol / ceiling) from what the engine adds (ours / protocol):
 *   - each document shaped by the engine's own `documentWrite` with the admin remote's sentinels
 *     (so it cannot drift): the data, `_server_time` as a server timestamp, `_device`, `_deleted`;
 *   - `create` (create-if-absent), never `set`: a push must not overwrite a document it has not
 *     seen;
 *   - batches of the engine's batch size, the engine's commits in flight (its defaults unless
 *     given), collection by collection;
 *   - after each commit, the version written read back: neither SDK's commit returns the
 *     `_server_time` it stamped (on the emulator it is not the write time), and settling needs
 *     it. Every write of one commit carries the same `_server_time` (the commit's), so one
 *     document read (one field, `getAll` with a field mask) is all the protocol needs; the
 *     client remote reads back one, the admin remote (today) every document of the batch.
 * No local database, no queue, no bookkeeping: that is what the engine adds.
 */
export async function protocolCeiling(
  endpoint: string,
  n: number,
  tuning: { batchSize?: number; maxInFlight?: number; readBack?: boolean } = {},
): Promise<Figure> {
  const batchSize = tuning.batchSize ?? KNOB_DEFAULTS.batchSize;
  const limit = tuning.maxInFlight ?? KNOB_DEFAULTS.maxInFlight;
  const readBack = tuning.readBack ?? true;
  const clients = createFirebaseClients(
    { projectId: BENCH_PROJECT, firestore: endpoint },
    'protocol-push',
  );
  const db = clients.firestore;
  const now = Date.now();
  try {
    const run = await measure(async () => {
      const inFlight: Promise<unknown>[] = [];
      for (const { table, rows } of benchRows(n)) {
        const collection = db.collection(table);
        for (let start = 0; start < rows.length; start += batchSize) {
          const batch = db.batch();
          const refs = rows.slice(start, start + batchSize).map((row, k) => {
            const write: RemoteWrite = {
              id: `protocol-${table}-${start + k}`,
              expected: null,
              set: wireDocument(table, row, BENCH_USER, now),
              remove: [],
              deleted: false,
              changed: [],
            };
            const doc = documentWrite(write, 'protocol', ADMIN_SENTINELS);
            if (doc.kind !== 'create') throw new Error('protocol ceiling: expected a create');
            const ref = collection.doc(doc.id);
            batch.create(ref, doc.data);
            return ref;
          });
          inFlight.push(
            batch.commit().then(async () => {
              if (readBack) await db.getAll(refs[0], { fieldMask: [META.serverTime] });
            }),
          );
          if (inFlight.length >= limit) await inFlight.shift();
        }
      }
      await Promise.all(inFlight);
    });
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await clients.close();
  }
}
