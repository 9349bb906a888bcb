import { photoPath, thumbnailPath, voicePath } from '../files/media-paths';
import {
  STORAGE_MEDIA,
  type StorageMediaKind,
  storageSizeProblem,
  voiceContentType,
} from '../files/storage-limits';
import { AppKitError } from './app-kit-error';

/** The record column each kind's download URL is written back to (docs/file-sync.md). */
export const URL_COLUMN = {
  voice: 'audio_url',
  photo: 'storage_url',
  thumbnail: 'thumbnail_url',
} as const satisfies Record<StorageMediaKind, string>;

export interface MediaUploadInput {
  kind: StorageMediaKind;
  userId: string;
  recordId: string;
  /** SHA-256 of the file's bytes, lowercase hex (64 characters): devices verify downloads by it. */
  sha256: string;
  /** The file's size in bytes (each kind has its bound; empty files are refused). */
  bytes: number;
  /** A voice note's `mime_type` column (its content type; empty means audio/mp4). */
  mimeType?: string | null;
}

export interface MediaUpload {
  /** Where the file goes in Storage: `ref(storage, path)`. */
  path: string;
  /** The third argument of `uploadBytes(ref, bytes, metadata)`. */
  metadata: { contentType: string; customMetadata: { sha256: string } };
  /** The column of the record that gets `getDownloadURL(ref)` once the upload is done. */
  urlColumn: (typeof URL_COLUMN)[StorageMediaKind];
}

/**
 * Where a voice note, photo or thumbnail goes and the metadata it must carry, as the harness's
 * uploader writes it: the path of src/files/media-paths.ts, a content type storage.rules accept,
 * and the `sha256` custom metadata that devices check a download against (a file without it is
 * reported unverified). Refuses what Storage would refuse, saying why.
 */
export function mediaUpload(input: MediaUploadInput): MediaUpload {
  const { kind, userId, recordId, sha256, bytes } = input;
  if (!(kind in STORAGE_MEDIA))
    throw new AppKitError(
      `${JSON.stringify(String(kind))} is not a media kind (voice, photo, thumbnail)`,
    );
  const path = pathOf(kind, userId, recordId);
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new AppKitError(
      `${path}: sha256 must be the file's SHA-256 in lowercase hex (64 characters)`,
    );
  const size = storageSizeProblem(kind, bytes);
  if (size) throw new AppKitError(`${path}: the file ${size}`);
  const contentType = kind === 'voice' ? voiceContentType(input.mimeType) : 'image/jpeg';
  if (!contentType)
    throw new AppKitError(
      `${path}: mime_type is not a type Storage accepts for voice notes (${STORAGE_MEDIA.voice.contentType})`,
    );
  return {
    path,
    metadata: { contentType, customMetadata: { sha256 } },
    urlColumn: URL_COLUMN[kind],
  };
}

function pathOf(kind: StorageMediaKind, userId: string, recordId: string): string {
  try {
    if (kind === 'voice') return voicePath(userId, recordId);
    return kind === 'photo' ? photoPath(userId, recordId) : thumbnailPath(userId, recordId);
  } catch (error) {
    throw new AppKitError((error as Error).message);
  }
}
