import { type Model, Q } from '@nozbe/watermelondb';
import { forEachLimited } from '../core/limit';
import type { SyncQueueItem } from '../db/models';
import { prepareRawUpdate, rawOf } from '../db/raw-update';
import type { DataTable } from '../db/schema-current';
import type { MediaFiles } from '../files/media-files';
import { photoPath, thumbnailPath, voicePath } from '../files/media-paths';
import type { MediaStore, StoredObject } from '../files/media-store';
import {
  STORAGE_MEDIA,
  type StorageMediaKind,
  storageSizeProblem,
  voiceContentType,
} from '../files/storage-limits';
import { classifyError } from './classify-error';
import { prepareFailure } from './failure';
import { dueRows, findLocalState, parseQueueData, type QueueData } from './queue';
import { nextStatus } from './status-machine';
import type { CollectionStats, SyncContext } from './sync-context';
import { ThumbnailsAhead } from './thumbnails-ahead';

/**
 * The file step of the push, run before a media collection's documents go up: every due voice
 * note or photo whose file is not on Storage yet is uploaded (photos with their thumbnail) and
 * its download URL(s) written into the record, so the document is pushed only once its file is
 * there — no device ever sees a URL that points nowhere.
 *
 * Idempotent: an object already at the path with the same SHA-256 (a re-upload after a lost
 * acknowledgement) is reused with its URL; nothing is uploaded twice. A missing or unreadable
 * local file, or a photo that cannot be decoded, parks that record in `error` with a clear
 * message; the other records carry on. The device's files, hashing and thumbnails come through
 * the MediaFiles port (src/files/media-files.ts), so this step runs in the app as it does in Node.
 */
export const MEDIA_TABLES = ['voice_notes', 'photo_memories'] as const;
export type MediaTable = (typeof MEDIA_TABLES)[number];

export function isMediaTable(table: DataTable): table is MediaTable {
  return (MEDIA_TABLES as readonly string[]).includes(table);
}

export class LocalFileError extends Error {
  override name = 'MalformedDataError'; // permanent: retrying does not bring a file back
}

/** A file Storage's rules would refuse (src/files/storage-limits.ts): its type or its size. */
export class StorageLimitError extends Error {
  override name = 'MalformedDataError'; // permanent: the same file is refused again
}

const UPLOADS_IN_FLIGHT = 4;

export async function uploadDueMedia(
  ctx: SyncContext,
  media: MediaStore,
  table: MediaTable,
  stats: CollectionStats,
): Promise<void> {
  const rows = await ctx.db
    .get<SyncQueueItem>('sync_queue')
    .query(
      Q.where('collection', table),
      dueRows(ctx.clock.now(), ctx.retryPolicy.maxDelayMs),
      Q.where('operation', Q.notEq('delete')),
    )
    .fetch();
  const records = await ctx.records.findByIds<Model>(
    ctx.db,
    table,
    rows.map((r) => r.documentId),
  );
  const todo = [...records.values()].filter((r) => needsUpload(table, rawOf(r)));
  if (todo.length === 0) return;
  const files = ctx.mediaFiles;
  if (!files) throw new Error('uploadDueMedia: the sync context has media but no mediaFiles');
  // The upload is the first part of the push: the records are `syncing` from here on.
  await ctx.db.write(async () => {
    const starting = todo.filter((r) => rawOf(r).sync_status === 'pending');
    await ctx.db.batch(
      starting.map((r) =>
        prepareRawUpdate(r, {
          sync_status: nextStatus('pending', 'push-start', { table, id: r.id }),
        }),
      ),
    );
  });
  // Photos' thumbnails are made ahead, in the order the slots take the records, while the slots
  // upload (src/sync/thumbnails-ahead.ts): decoding is off the uploads' critical path.
  const thumbnails =
    table === 'photo_memories'
      ? new ThumbnailsAhead(
          todo.map((r) => localPath(rawOf(r).local_uri)),
          (file) => files.thumbnailOf(file),
        )
      : null;
  const results: Array<{ id: string; patch?: Record<string, string>; error?: unknown }> = [];
  const indexed = todo.map((record, index) => ({ record, index }));
  await forEachLimited(indexed, UPLOADS_IN_FLIGHT, async ({ record, index }) => {
    // The first attempt takes the thumbnail made ahead; a retry makes its own, as before.
    let madeAhead = thumbnails?.take(index) ?? null;
    const thumbnailOf = (file: string): Promise<Uint8Array> => {
      const bytes = madeAhead ?? files.thumbnailOf(file);
      madeAhead = null;
      return bytes;
    };
    try {
      const patch = await ctx.retry.executeWithRetry(
        () => uploadRecord({ media, files, thumbnailOf }, table, ctx.userId, rawOf(record)),
        `upload ${table}/${record.id}`,
      );
      results.push({ id: record.id, patch });
    } catch (error) {
      results.push({ id: record.id, error });
    }
  });
  await ctx.db.write(async () => {
    const now = ctx.clock.now();
    const { records: fresh, rows } = await findLocalState(
      ctx,
      table,
      results.map((r) => r.id),
    );
    const operations: Model[] = [];
    for (const { id, patch, error } of results) {
      const record = fresh.get(id) ?? null;
      const row = rows.get(id) ?? null;
      if (error !== undefined || !patch) {
        operations.push(
          ...prepareFailure(ctx, table, record, row, classifyError(error), now, stats),
        );
        continue;
      }
      if (!record || !row) continue; // deleted meanwhile: its tombstone removes the blobs
      operations.push(prepareRawUpdate(record, patch));
      const data = parseQueueData(row.data);
      const fields = [...new Set([...data.fields, ...Object.keys(patch)])];
      operations.push(
        prepareRawUpdate(row, { data: JSON.stringify({ ...data, fields } satisfies QueueData) }),
      );
    }
    if (operations.length > 0) await ctx.db.batch(operations);
  });
}

function needsUpload(table: MediaTable, raw: Record<string, unknown>): boolean {
  return table === 'voice_notes' ? !raw.audio_url : !raw.storage_url || !raw.thumbnail_url;
}

/** Uploads one record's file(s); returns the URL columns to write back. */
async function uploadRecord(
  ports: {
    media: MediaStore;
    files: MediaFiles;
    /** The photo's thumbnail: made ahead on a first attempt (src/sync/thumbnails-ahead.ts). */
    thumbnailOf: (file: string) => Promise<Uint8Array>;
  },
  table: MediaTable,
  userId: string,
  raw: Record<string, unknown>,
): Promise<Record<string, string>> {
  const { media, files, thumbnailOf } = ports;
  const id = raw.id as string;
  if (table === 'voice_notes') {
    const file = localPath(raw.audio_uri);
    const contentType = voiceContentType(raw.mime_type);
    if (!contentType) {
      throw new StorageLimitError(
        `${table}/${id}: mime_type is not a type Storage accepts for voice notes (${STORAGE_MEDIA.voice.contentType}); fix the record to sync it`,
      );
    }
    await assertStorable(files, file, 'voice', `${table}/${id}`);
    const sha = await checksumOf(files, file, `${table}/${id}`);
    const stored = await putIfChanged(media, voicePath(userId, id), sha, (path) =>
      media.uploadFile(path, file, contentType, sha),
    );
    return { audio_url: stored.downloadUrl };
  }
  const file = localPath(raw.local_uri);
  await assertStorable(files, file, 'photo', `${table}/${id}`);
  const thumbPath = thumbnailPath(userId, id);
  const originalPath = photoPath(userId, id);
  // While the checksum reads the file and the thumbnail is (usually already) made, both paths
  // are looked up: reads only, so nothing is written for a photo that turns out undecodable.
  const [sha, thumbnail, thumbStored, originalStored] = await Promise.all([
    checksumOf(files, file, `${table}/${id}`),
    thumbnailOf(file),
    media.stat(thumbPath),
    media.stat(originalPath),
  ]);
  const thumbProblem = storageSizeProblem('thumbnail', thumbnail.length);
  if (thumbProblem) throw new StorageLimitError(`${table}/${id}: its thumbnail ${thumbProblem}`);
  const thumbSha = await files.sha256OfBytes(thumbnail);
  // Both objects go up side by side, and only now that the thumbnail is made: an undecodable
  // photo leaves no object behind.
  const [thumb, original] = await bothSettled(
    reuseOrUpload(thumbStored, thumbSha, () =>
      media.uploadBuffer(thumbPath, thumbnail, STORAGE_CONTENT_TYPE_JPEG, thumbSha),
    ),
    reuseOrUpload(originalStored, sha, () =>
      media.uploadFile(originalPath, file, STORAGE_CONTENT_TYPE_JPEG, sha),
    ),
  );
  return { storage_url: original.downloadUrl, thumbnail_url: thumb.downloadUrl };
}

/** The object already there with the same SHA-256 (an upload whose acknowledgement was lost). */
async function reuseOrUpload(
  existing: StoredObject | null,
  sha256: string,
  upload: () => Promise<StoredObject>,
): Promise<StoredObject> {
  return existing && existing.sha256 === sha256 ? existing : upload();
}

/**
 * Both results, or the first error once BOTH have ended: a retry must not start an upload of a
 * path whose previous upload is still in flight (the later one's token would win on the object,
 * and the record could keep the URL of the other).
 */
async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

const STORAGE_CONTENT_TYPE_JPEG = 'image/jpeg';

/** The local file exists, is readable and within the Storage size bound of its kind. */
async function assertStorable(
  files: MediaFiles,
  file: string,
  kind: StorageMediaKind,
  what: string,
): Promise<void> {
  let bytes: number;
  try {
    bytes = await files.sizeOf(file);
  } catch (error) {
    throw localFileError(error, file, what);
  }
  const problem = storageSizeProblem(kind, bytes);
  if (problem) throw new StorageLimitError(`${what}: the local file ${file} ${problem}`);
}

async function putIfChanged(
  media: MediaStore,
  path: string,
  sha256: string,
  upload: (path: string) => Promise<StoredObject>,
): Promise<StoredObject> {
  return reuseOrUpload(await media.stat(path), sha256, () => upload(path));
}

async function checksumOf(files: MediaFiles, file: string, what: string): Promise<string> {
  try {
    return await files.sha256OfFile(file);
  } catch (error) {
    throw localFileError(error, file, what);
  }
}

function localFileError(error: unknown, file: string, what: string): LocalFileError {
  const code = (error as { code?: string } | null)?.code;
  const reason =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EACCES'
        ? 'is not readable'
        : `cannot be read (${code ?? 'error'})`;
  return new LocalFileError(`${what}: the local file ${file} ${reason}`);
}

/** The app stores `file://` URIs; the MediaFiles port and the MediaStore take paths. */
export function localPath(uri: unknown): string {
  const text = String(uri ?? '');
  return text.startsWith('file://') ? decodeURIComponent(text.slice('file://'.length)) : text;
}
