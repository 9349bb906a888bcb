import { MAX_ID_LENGTH } from '../sync/wire-limits';

/**
 * What Storage accepts per kind of media file: where it lives under users/{uid}/, its file
 * extension, content type and size. One table, used by the uploader (which refuses before
 * sending what the server would refuse) and by storage.rules (generated from it by
 * src/rules/generate-rules.ts), so the two never disagree.
 */
export interface StorageMedia {
  description: string;
  /** Folder under users/{uid}/ (see media-paths.ts). */
  folder: string;
  /** File extension after the record id. */
  extension: string;
  /** Allowed content types, as a full-match regular expression (RE2 and JavaScript alike). */
  contentType: string;
  /** Largest object, in bytes. */
  maxBytes: number;
}

const MiB = 1024 * 1024;

export const STORAGE_MEDIA = {
  voice: {
    description: 'Voice notes: AAC in an MPEG-4 container (.m4a), up to 100 MiB (hours of speech).',
    folder: 'voice',
    extension: 'm4a',
    contentType: 'audio/(mp4|m4a|x-m4a|aac)',
    maxBytes: 100 * MiB,
  },
  photo: {
    description: 'Photos as taken: JPEG, up to 50 MiB.',
    folder: 'photos',
    extension: 'jpg',
    contentType: 'image/jpeg',
    maxBytes: 50 * MiB,
  },
  thumbnail: {
    description: 'Thumbnails (200×200 JPEG made by src/files/thumbnail.ts), up to 1 MiB.',
    folder: 'photos/thumbnails',
    extension: 'jpg',
    contentType: 'image/jpeg',
    maxBytes: 1 * MiB,
  },
} as const satisfies Record<string, StorageMedia>;

export type StorageMediaKind = keyof typeof STORAGE_MEDIA;

/** The file name of a media object: a safe record id and the kind's extension (full match). */
export function storageFilePattern(kind: StorageMediaKind): string {
  return `^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,${MAX_ID_LENGTH - 1}}[.]${STORAGE_MEDIA[kind].extension}$`;
}

/** True when `contentType` is one the rules accept for `kind` (what the uploader checks). */
export function contentTypeAllowed(kind: StorageMediaKind, contentType: string): boolean {
  return new RegExp(`^(?:${STORAGE_MEDIA[kind].contentType})$`).test(contentType);
}

/** Why an object of `bytes` bytes cannot be stored as `kind` (null: it can). */
export function storageSizeProblem(kind: StorageMediaKind, bytes: number): string | null {
  const { maxBytes } = STORAGE_MEDIA[kind];
  if (bytes <= 0) return 'is empty';
  if (bytes > maxBytes)
    return `is ${bytes.toLocaleString('en-US')} bytes, over the ${kind} limit of ${maxBytes.toLocaleString('en-US')} bytes`;
  return null;
}

/**
 * The content type a voice note is uploaded with: its mime_type column, or audio/mp4 when that
 * is empty (the app records .m4a). Null when the column names a type Storage would refuse.
 */
export function voiceContentType(mimeType: unknown): string | null {
  const text = typeof mimeType === 'string' ? mimeType.trim().toLowerCase() : '';
  if (text === '') return 'audio/mp4';
  return contentTypeAllowed('voice', text) ? text : null;
}
