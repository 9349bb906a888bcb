import { isSafeId, SAFE_ID_PATTERN } from '../core/ids';

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
  return `^${SAFE_ID_PATTERN}[.]${STORAGE_MEDIA[kind].extension}$`;
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

/**
 * What storage.rules decides for a write by `authUid` (null: anonymous) of an object at `path`
 * with `contentType` and `bytes` (null: allowed; otherwise why not). The same logic as the
 * generated rules, in JavaScript, because the in-process Storage emulator evaluates them only
 * where the rules runtime JAR is present (not on these machines):
 * the tests check every path, type and size the uploader sends against it.
 */
export function storageWriteProblem(
  authUid: string | null,
  path: string,
  contentType: string,
  bytes: number,
): string | null {
  const kind = storageKindOf(path);
  if (!kind) return 'no rule matches the path';
  if (authUid === null) return 'not signed in';
  if (kind.uid !== authUid) return "the path is under another user's folder";
  if (!isSafeId(kind.uid)) return 'the uid is not a safe id';
  const media = STORAGE_MEDIA[kind.kind];
  if (!new RegExp(storageFilePattern(kind.kind)).test(kind.file))
    return `the file name is not a record id with .${media.extension}`;
  if (new RegExp(`^.*[.][.].*[.]${media.extension}$`).test(kind.file))
    return 'the record id contains ".."';
  if (!contentTypeAllowed(kind.kind, contentType))
    return `content type ${contentType} is not allowed for ${kind.kind}`;
  const size = storageSizeProblem(kind.kind, bytes);
  return size ? `the object ${size}` : null;
}

/**
 * Which `match /users/{uid}/<folder>/{file}` of storage.rules a path falls under ({uid} and
 * {file} are single path segments, as in the rules); null: none, so everything is denied.
 */
export function storageKindOf(
  path: string,
): { kind: StorageMediaKind; uid: string; file: string } | null {
  const match = /^users\/([^/]+)\/(.+)$/.exec(path);
  if (!match) return null;
  const [, uid, rest] = match;
  for (const kind of Object.keys(STORAGE_MEDIA) as StorageMediaKind[]) {
    const prefix = `${STORAGE_MEDIA[kind].folder}/`;
    if (rest.startsWith(prefix) && !rest.slice(prefix.length).includes('/')) {
      const file = rest.slice(prefix.length);
      if (file) return { kind, uid, file };
    }
  }
  return null;
}
