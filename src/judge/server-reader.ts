import type { Bucket } from '@google-cloud/storage';
import type { Firestore } from 'firebase-admin/firestore';
import { DATA_TABLES, type DataTable } from '../db/schema-current';

/**
 * The server read the way the judge reads a device: firebase-admin straight to the emulators
 * (never through a device's proxy), reads only, no sync code in between. Documents come as
 * stored, tombstones included.
 */
export type ServerDocs = Map<DataTable, Map<string, Record<string, unknown>>>;

/** Every document of `userId` in every data table. */
export async function readUserDocuments(firestore: Firestore, userId: string): Promise<ServerDocs> {
  const docs: ServerDocs = new Map();
  for (const table of DATA_TABLES) {
    const snapshot = await firestore.collection(table).where('user_id', '==', userId).get();
    docs.set(table, new Map(snapshot.docs.map((d) => [d.id, d.data()])));
  }
  return docs;
}

/** A Storage object's custom metadata (download tokens, checksum); null: no such object. */
export async function readObjectMetadata(
  bucket: Bucket,
  path: string,
): Promise<Record<string, unknown> | null> {
  try {
    const [metadata] = await bucket.file(path).getMetadata();
    return metadata.metadata ?? {};
  } catch {
    return null;
  }
}

export async function readObjectBytes(bucket: Bucket, path: string): Promise<Buffer> {
  const [bytes] = await bucket.file(path).download();
  return bytes;
}
