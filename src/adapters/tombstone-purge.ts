import type { Firestore } from 'firebase-admin/firestore';
import { Timestamp } from 'firebase-admin/firestore';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { decodeVersion, type Version } from '../sync/version';
import { META } from '../sync/wire-format';
import { DEVICES_COLLECTION } from './firestore-remote';

/**
 * Purging tombstones (a server-side job; the CLI runs it against emulators).
 *
 * The rule: a tombstone of collection T is removed only when every device registered for the
 * user has pulled T past the tombstone's server time — then every device has applied the delete.
 * Devices register themselves by reporting their pull progress after each successful pass
 * (`sync_devices/{user}:{device}`). A registered device that never returns blocks purging for
 * that user; removing its registration is an explicit decision, after which that device must
 * resync from scratch. A device that registers later starts with an empty checkpoint and pulls
 * the current state, so it never needs the purged tombstones.
 */
export interface PurgeResult {
  devices: number;
  purged: Partial<Record<DataTable, number>>;
  /** Per collection: the server time up to which every device has pulled (null: not all have). */
  horizon: Partial<Record<DataTable, Version | null>>;
}

export async function purgeTombstones(db: Firestore, userId: string): Promise<PurgeResult> {
  const devices = await db.collection(DEVICES_COLLECTION).where('user_id', '==', userId).get();
  const result: PurgeResult = { devices: devices.size, purged: {}, horizon: {} };
  for (const table of DATA_TABLES) {
    const horizon = commonHorizon(
      devices.docs.map((d) => d.get('pulled_through')?.[table] as Version | undefined),
    );
    result.horizon[table] = horizon;
    result.purged[table] = horizon ? await purgeUpTo(db, table, userId, horizon) : 0;
  }
  return result;
}

function commonHorizon(progress: Array<Version | undefined>): Version | null {
  if (progress.length === 0 || progress.some((p) => !p)) return null;
  // Versions are strings that sort in time order: the earliest is the first.
  return [...(progress as Version[])].sort()[0];
}

async function purgeUpTo(
  db: Firestore,
  table: DataTable,
  userId: string,
  horizon: Version,
): Promise<number> {
  const { seconds, nanoseconds } = decodeVersion(horizon);
  const tombstones = await db
    .collection(table)
    .where('user_id', '==', userId)
    .where(META.deleted, '==', true)
    .where(META.serverTime, '<=', new Timestamp(seconds, nanoseconds))
    .get();
  for (let i = 0; i < tombstones.docs.length; i += 500) {
    const batch = db.batch();
    for (const doc of tombstones.docs.slice(i, i + 500)) batch.delete(doc.ref);
    await batch.commit();
  }
  return tombstones.size;
}
