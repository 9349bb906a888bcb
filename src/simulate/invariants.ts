import type { Bucket } from '@google-cloud/storage';
import type { Database } from '@nozbe/watermelondb';
import type { Firestore } from 'firebase-admin/firestore';
import { DATA_TABLES, type DataTable } from '../db/schema-current';

/**
 * The judge of a simulation, written apart from the sync code it judges: it reads the devices'
 * databases, the Firestore emulator and the Storage emulator directly (plain column reads and
 * queries; no SyncManager, no wire-format helpers) and reports every way they disagree.
 *
 *   converged      every device holds exactly the server's live records, field for field
 *   drained        no device has anything left in its sync queue
 *   deletions      no record the server has tombstoned is alive on any device
 *   isolation      no device holds a record of another user, and the server query saw none
 *   files          every voice note and photo on the server has its file (and thumbnail) in
 *                  Storage, with the checksum it was uploaded with
 */
export interface Violation {
  invariant: 'converged' | 'drained' | 'deletions' | 'isolation' | 'files';
  device: string | null;
  collection: DataTable | null;
  id: string | null;
  detail: string;
}

/** How the checker reads a device: its rows as stored, and how many changes are queued. */
export interface DeviceView {
  deviceId: string;
  rows(table: DataTable): Promise<Array<Record<string, unknown>>>;
  queued(): Promise<number>;
  /** A record this device may legitimately lack (e.g. removed by its retention cleanup). */
  mayLack?(table: DataTable, id: string, server: Record<string, unknown>): boolean;
}

/** A device read through its open WatermelonDB database (raw rows, no model logic). */
export function viewOfDatabase(deviceId: string, db: Database): DeviceView {
  return {
    deviceId,
    rows: (table) => rawRows(db, table),
    queued: () => db.get('sync_queue').query().fetchCount(),
  };
}

/** Columns that never leave a device (they legitimately differ between devices). */
export const LOCAL_ONLY = new Set([
  'sync_status',
  'synced_at',
  'remote_version',
  'id',
  '_status',
  '_changed',
]);

export async function checkInvariants(options: {
  userId: string;
  devices: DeviceView[];
  firestore: Firestore;
  bucket: Bucket | null;
  /** Stop listing after this many violations (the count stays exact). */
  limit?: number;
}): Promise<{
  violations: Violation[];
  count: number;
  checked: { records: number; files: number };
}> {
  const violations: Violation[] = [];
  let count = 0;
  const add = (violation: Violation) => {
    count += 1;
    if (violations.length < (options.limit ?? 100)) violations.push(violation);
  };
  let records = 0;
  let files = 0;
  for (const table of DATA_TABLES) {
    const docs = await options.firestore
      .collection(table)
      .where('user_id', '==', options.userId)
      .get();
    const live = new Map<string, Record<string, unknown>>();
    const tombstoned = new Set<string>();
    for (const doc of docs.docs) {
      const data = doc.data();
      if (data._deleted === true) tombstoned.add(doc.id);
      else live.set(doc.id, data);
    }
    records += live.size;
    for (const device of options.devices) {
      const rows = await device.rows(table);
      const seen = new Set<string>();
      for (const row of rows) {
        const id = row.id as string;
        seen.add(id);
        if (row.user_id !== options.userId) {
          add({
            invariant: 'isolation',
            device: device.deviceId,
            collection: table,
            id,
            detail: 'a record of another user is on this device',
          });
          continue;
        }
        if (tombstoned.has(id)) {
          add({
            invariant: 'deletions',
            device: device.deviceId,
            collection: table,
            id,
            detail: 'deleted on the server, still alive here',
          });
          continue;
        }
        const server = live.get(id);
        if (!server) {
          add({
            invariant: 'converged',
            device: device.deviceId,
            collection: table,
            id,
            detail: 'on this device, not on the server',
          });
          continue;
        }
        const differing = Object.keys(row).filter(
          (column) =>
            !LOCAL_ONLY.has(column) && !Object.is(row[column] ?? null, server[column] ?? null),
        );
        if (differing.length > 0) {
          add({
            invariant: 'converged',
            device: device.deviceId,
            collection: table,
            id,
            detail: `differs from the server in ${differing.join(', ')}`,
          });
        }
      }
      for (const [id, data] of live) {
        if (!seen.has(id) && !device.mayLack?.(table, id, data))
          add({
            invariant: 'converged',
            device: device.deviceId,
            collection: table,
            id,
            detail: 'on the server, missing on this device',
          });
      }
    }
    if (options.bucket && (table === 'voice_notes' || table === 'photo_memories')) {
      for (const [id, data] of live) {
        for (const path of filePaths(table, options.userId, id)) {
          files += 1;
          const problem = await fileProblem(options.bucket, path, data, table);
          if (problem)
            add({
              invariant: 'files',
              device: null,
              collection: table,
              id,
              detail: `${path}: ${problem}`,
            });
        }
      }
    }
  }
  for (const device of options.devices) {
    const queued = await device.queued();
    if (queued > 0)
      add({
        invariant: 'drained',
        device: device.deviceId,
        collection: null,
        id: null,
        detail: `${queued} change(s) still queued`,
      });
  }
  return { violations, count, checked: { records, files } };
}

async function rawRows(db: Database, table: DataTable): Promise<Array<Record<string, unknown>>> {
  const records = await db.get(table).query().fetch();
  return records.map((r) => ({ ...(r._raw as unknown as Record<string, unknown>) }));
}

function filePaths(table: 'voice_notes' | 'photo_memories', userId: string, id: string): string[] {
  return table === 'voice_notes'
    ? [`users/${userId}/voice/${id}.m4a`]
    : [`users/${userId}/photos/${id}.jpg`, `users/${userId}/photos/thumbnails/${id}.jpg`];
}

async function fileProblem(
  bucket: Bucket,
  path: string,
  doc: Record<string, unknown>,
  table: string,
): Promise<string | null> {
  const url =
    table === 'voice_notes'
      ? doc.audio_url
      : path.includes('/thumbnails/')
        ? doc.thumbnail_url
        : doc.storage_url;
  if (typeof url !== 'string' || !url) return 'the document has no URL for it';
  let custom: Record<string, unknown> = {};
  try {
    const [metadata] = await bucket.file(path).getMetadata();
    custom = metadata.metadata ?? {};
  } catch {
    return 'the object is missing';
  }
  const token =
    typeof custom.firebaseStorageDownloadTokens === 'string'
      ? custom.firebaseStorageDownloadTokens
      : null;
  if (!token || !url.includes(`token=${token.split(',')[0]}`))
    return "the document's URL does not carry the object's token";
  const [bytes] = await bucket.file(path).download();
  const { createHash } = await import('node:crypto');
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (custom.sha256 && custom.sha256 !== sha) return 'the bytes do not match the recorded checksum';
  return null;
}
