import fs from 'node:fs';
import path from 'node:path';
import { sha256File } from './checksum';
import { photoPath, thumbnailPath, voicePath } from './media-paths';
import type { MediaStore } from './media-store';

/**
 * The other direction: a device that pulled a voice note or photo it has no file for fetches it
 * on demand (a photo's thumbnail first, so a gallery can show it at once). Each download lands
 * in a temporary file, is checked against the SHA-256 stored with the object, and only then
 * takes its place; a mismatch leaves nothing behind and fails loudly.
 */
export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
}

export interface FetchedMedia {
  thumbnail?: string;
  original: string;
}

export async function fetchMedia(options: {
  media: MediaStore;
  userId: string;
  table: 'voice_notes' | 'photo_memories';
  recordId: string;
  /** The device's media folder. */
  mediaDir: string;
  onThumbnail?: (file: string) => void;
}): Promise<FetchedMedia> {
  const { media, userId, table, recordId, mediaDir } = options;
  if (table === 'voice_notes') {
    const original = path.join(mediaDir, 'voice', `${recordId}.m4a`);
    await fetchVerified(media, voicePath(userId, recordId), original);
    return { original };
  }
  const thumbnail = path.join(mediaDir, 'photos', 'thumbnails', `${recordId}.jpg`);
  await fetchVerified(media, thumbnailPath(userId, recordId), thumbnail);
  options.onThumbnail?.(thumbnail);
  const original = path.join(mediaDir, 'photos', `${recordId}.jpg`);
  await fetchVerified(media, photoPath(userId, recordId), original);
  return { thumbnail, original };
}

async function fetchVerified(
  media: MediaStore,
  objectPath: string,
  destination: string,
): Promise<void> {
  const stored = await media.stat(objectPath);
  if (!stored) throw new Error(`${objectPath} is not on Storage.`);
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const partial = `${destination}.part`;
  try {
    await media.download(objectPath, partial);
    const actual = await sha256File(partial);
    if (stored.sha256 && actual !== stored.sha256) {
      throw new ChecksumMismatchError(
        `${objectPath}: downloaded bytes do not match the stored checksum.`,
      );
    }
    fs.renameSync(partial, destination);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}
