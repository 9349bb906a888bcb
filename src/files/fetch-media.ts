import fs from 'node:fs';
import path from 'node:path';
import { sha256File } from './checksum';
import { photoPath, thumbnailPath, voicePath } from './media-paths';
import type { MediaStore } from './media-store';

/**
 * The other direction: a device that pulled a voice note or photo it has no file for fetches it
 * on demand (a photo's thumbnail first, so a gallery can show it at once). Each download lands
 * in a temporary file, is checked against the SHA-256 stored with the object, and only then
 * takes its place.
 *
 * What it can and cannot vouch for: a mismatch is refused (nothing is left behind, it throws
 * ChecksumMismatchError); an object with no `sha256` metadata (uploaded by something that did not
 * set it, or replaced by someone who did not) cannot be checked, so it is kept but reported as
 * `unverified`, never passed off as verified. A photo whose thumbnail is not on Storage falls back
 * to its original, reported as `thumbnailMissing`.
 */
export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
}

export type Verification = 'verified' | 'unverified';

export interface FetchedMedia {
  /** For a photo: the thumbnail, or the original itself when the thumbnail is missing. */
  thumbnail?: string;
  original: string;
  /** `verified` only when every file fetched matched the SHA-256 stored with its object. */
  verification: Verification;
  /** Object paths fetched without a stored SHA-256 to check them against. */
  unverified: string[];
  /** A photo had no thumbnail on Storage; `thumbnail` is the original. */
  thumbnailMissing: boolean;
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
    const checked = await fetchChecked(media, voicePath(userId, recordId), original);
    return summarize({ original, thumbnailMissing: false }, [checked]);
  }
  const original = path.join(mediaDir, 'photos', `${recordId}.jpg`);
  const thumbnail = path.join(mediaDir, 'photos', 'thumbnails', `${recordId}.jpg`);
  const thumbObject = thumbnailPath(userId, recordId);
  if (!(await media.stat(thumbObject))) {
    // The app's thumbnail upload may have failed, or another writer never made one: the original
    // is what a gallery can show.
    const checked = await fetchChecked(media, photoPath(userId, recordId), original);
    options.onThumbnail?.(original);
    return summarize({ original, thumbnail: original, thumbnailMissing: true }, [checked]);
  }
  const checkedThumb = await fetchChecked(media, thumbObject, thumbnail);
  options.onThumbnail?.(thumbnail);
  let checkedOriginal: CheckedFile;
  try {
    checkedOriginal = await fetchChecked(media, photoPath(userId, recordId), original);
  } catch (error) {
    // A refused original takes its thumbnail with it: the record's media is not to be trusted,
    // and the folder is left as it was.
    if (error instanceof ChecksumMismatchError) fs.rmSync(thumbnail, { force: true });
    throw error;
  }
  return summarize({ original, thumbnail, thumbnailMissing: false }, [
    checkedThumb,
    checkedOriginal,
  ]);
}

interface CheckedFile {
  objectPath: string;
  verification: Verification;
}

function summarize(
  files: Pick<FetchedMedia, 'original' | 'thumbnail' | 'thumbnailMissing'>,
  checked: CheckedFile[],
): FetchedMedia {
  const unverified = checked
    .filter((c) => c.verification === 'unverified')
    .map((c) => c.objectPath);
  return { ...files, verification: unverified.length ? 'unverified' : 'verified', unverified };
}

async function fetchChecked(
  media: MediaStore,
  objectPath: string,
  destination: string,
): Promise<CheckedFile> {
  const stored = await media.stat(objectPath);
  if (!stored) throw new Error(`${objectPath} is not on Storage.`);
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const partial = `${destination}.part`;
  try {
    await media.download(objectPath, partial);
    const actual = await sha256File(partial);
    if (stored.sha256 && actual !== stored.sha256) {
      throw new ChecksumMismatchError(
        `${objectPath}: the downloaded bytes (SHA-256 ${actual}) do not match the stored checksum ${stored.sha256}; refused, nothing written.`,
      );
    }
    fs.renameSync(partial, destination);
    return { objectPath, verification: stored.sha256 ? 'verified' : 'unverified' };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}
