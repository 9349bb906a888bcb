import { createHash } from 'node:crypto';
import type { Bucket } from '@google-cloud/storage';
import type { DataTable } from '../db/schema-current';
import { readObjectBytes, readObjectMetadata } from './server-reader';

/**
 * files: every live voice note and photo on the server has its file (and a photo its thumbnail)
 * in Storage, the document's URL carries the object's download token, and the bytes match the
 * checksum they were uploaded with. The paths are the app's (DESIGN.md, "File sync"), written
 * here again rather than taken from src/files/ (test/judge/judge-copies.test.ts compares the two).
 */
export type FileViolation = { table: DataTable; id: string; detail: string };

/** Checks the files of `live` (one table's live documents); returns how many files it checked. */
export async function checkFiles(
  bucket: Bucket,
  table: DataTable,
  userId: string,
  live: Map<string, Record<string, unknown>>,
  add: (violation: FileViolation) => void,
): Promise<number> {
  if (table !== 'voice_notes' && table !== 'photo_memories') return 0;
  let files = 0;
  for (const [id, data] of live) {
    for (const path of filePaths(table, userId, id)) {
      files += 1;
      const problem = await fileProblem(bucket, path, data, table);
      if (problem) add({ table, id, detail: `${path}: ${problem}` });
    }
  }
  return files;
}

/** Where the app keeps a record's files in Storage. */
export function filePaths(
  table: 'voice_notes' | 'photo_memories',
  userId: string,
  id: string,
): string[] {
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
  const custom = await readObjectMetadata(bucket, path);
  if (!custom) return 'the object is missing';
  const token =
    typeof custom.firebaseStorageDownloadTokens === 'string'
      ? custom.firebaseStorageDownloadTokens
      : null;
  if (!token || !url.includes(`token=${token.split(',')[0]}`))
    return "the document's URL does not carry the object's token";
  const sha = createHash('sha256')
    .update(await readObjectBytes(bucket, path))
    .digest('hex');
  if (custom.sha256 && custom.sha256 !== sha) return 'the bytes do not match the recorded checksum';
  return null;
}
