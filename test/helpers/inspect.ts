import { Q } from '@nozbe/watermelondb';
import type { Firestore } from 'firebase-admin/firestore';
import { rawOf } from '../../src/db/raw-update';
import { DATA_TABLES, type DataTable } from '../../src/db/schema-current';
import { syncedColumnNames } from '../../src/sync/wire-format';
import type { TestDevice } from './device';

/**
 * Reads state directly (not through the sync engine) for assertions: a device's records and
 * queue, and the server's documents of a user.
 */
export type Snapshot = Record<string, Record<string, Record<string, unknown>>>;

export async function deviceSnapshot(
  device: TestDevice,
  tables: readonly DataTable[] = DATA_TABLES,
): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const table of tables) {
    const records = await device.opened.database.get(table).query().fetch();
    snapshot[table] = {};
    for (const record of records) {
      const raw = rawOf(record);
      snapshot[table][record.id] = Object.fromEntries(
        syncedColumnNames(table).map((c) => [c, raw[c] ?? null]),
      );
    }
  }
  return snapshot;
}

export async function serverSnapshot(
  firestore: Firestore,
  userId: string,
  tables: readonly DataTable[] = DATA_TABLES,
): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const table of tables) {
    snapshot[table] = {};
    const docs = await firestore.collection(table).where('user_id', '==', userId).get();
    for (const doc of docs.docs) {
      const data = doc.data();
      if (data._deleted === true) continue;
      snapshot[table][doc.id] = Object.fromEntries(
        syncedColumnNames(table).map((c) => [c, data[c] ?? null]),
      );
    }
  }
  return snapshot;
}

export async function queueSize(device: TestDevice): Promise<number> {
  return device.opened.database.get('sync_queue').query().fetchCount();
}

export async function statusesOf(
  device: TestDevice,
  table: DataTable,
): Promise<Record<string, string>> {
  const records = await device.opened.database.get(table).query().fetch();
  return Object.fromEntries(records.map((r) => [r.id, rawOf(r).sync_status as string]));
}

export async function countWithStatus(
  device: TestDevice,
  table: DataTable,
  status: string,
): Promise<number> {
  return device.opened.database.get(table).query(Q.where('sync_status', status)).fetchCount();
}
