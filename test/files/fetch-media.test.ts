import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Buffer } from '../../src/files/checksum';
import { ChecksumMismatchError, fetchMedia } from '../../src/files/fetch-media';
import { photoPath, thumbnailPath, voicePath } from '../../src/files/media-paths';
import { testClients, uniqueUserId } from '../helpers/backend';
import { SDKS, useMediaStores } from '../helpers/media-stores';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Issue 16's findings, on the real Storage emulator: an object replaced by someone else's bytes
 * without `sha256` metadata (the emulator here lets anyone write anywhere, and the app's own
 * uploads carry none) was fetched as if verified; a photo without a thumbnail could not be
 * fetched at all. The replacing writer is firebase-admin, which bypasses rules, so these hold
 * where storage.rules is enforced too.
 */
async function overwriteWithoutChecksum(objectPath: string, bytes: Buffer, withSha?: string) {
  const { bucket, close } = testClients('overwriter');
  try {
    await bucket()
      .file(objectPath)
      .save(bytes, {
        contentType: 'image/jpeg',
        metadata: { contentType: 'image/jpeg', metadata: withSha ? { sha256: withSha } : {} },
      });
  } finally {
    await close();
  }
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

const JPEG = Buffer.from('\xff\xd8\xff\xe0 the original photo bytes \xff\xd9', 'latin1');
const THUMB = Buffer.from('\xff\xd8\xff\xe0 thumb \xff\xd9', 'latin1');

describe.each(SDKS)('fetching media checks what it gets, %s SDK', (sdk) => {
  const tempDir = useTempDir();
  const openStore = useMediaStores();

  it('an overwritten 22-byte "photo" without sha256 is fetched as unverified, not as verified', async () => {
    const user = uniqueUserId(`overwritten-${sdk}`);
    const media = openStore(sdk, user);
    await media.uploadBuffer(photoPath(user, 'p1'), JPEG, 'image/jpeg', sha256Buffer(JPEG));
    await media.uploadBuffer(thumbnailPath(user, 'p1'), THUMB, 'image/jpeg', sha256Buffer(THUMB));
    const forged = Buffer.from('not a photo: 22 bytes!');
    expect(forged.length).toBe(22);
    await overwriteWithoutChecksum(photoPath(user, 'p1'), forged);

    const fetched = await fetchMedia({
      media,
      userId: user,
      table: 'photo_memories',
      recordId: 'p1',
      mediaDir: tempDir(),
    });
    expect(fs.readFileSync(fetched.original).equals(forged)).toBe(true);
    expect(fetched.verification).toBe('unverified');
    expect(fetched.unverified).toEqual([photoPath(user, 'p1')]);
  });

  it('a file whose bytes do not match its stored sha256 is refused: nothing lands in the media folder', async () => {
    const user = uniqueUserId(`mismatch-${sdk}`);
    const media = openStore(sdk, user);
    await media.uploadBuffer(voicePath(user, 'v1'), JPEG, 'audio/mp4', sha256Buffer(JPEG));
    await overwriteWithoutChecksum(
      voicePath(user, 'v1'),
      Buffer.from('tampered'),
      sha256Buffer(JPEG),
    );

    const mediaDir = path.join(tempDir(), 'media');
    const attempt = fetchMedia({
      media,
      userId: user,
      table: 'voice_notes',
      recordId: 'v1',
      mediaDir,
    });
    await expect(attempt).rejects.toBeInstanceOf(ChecksumMismatchError);
    await expect(attempt).rejects.toThrow(voicePath(user, 'v1'));
    expect(filesUnder(mediaDir)).toEqual([]);
  });

  it('a photo whose original does not match is refused with its thumbnail: the media folder is left as it was', async () => {
    const user = uniqueUserId(`photo-mismatch-${sdk}`);
    const media = openStore(sdk, user);
    await media.uploadBuffer(photoPath(user, 'p4'), JPEG, 'image/jpeg', sha256Buffer(JPEG));
    await media.uploadBuffer(thumbnailPath(user, 'p4'), THUMB, 'image/jpeg', sha256Buffer(THUMB));
    await overwriteWithoutChecksum(photoPath(user, 'p4'), THUMB, sha256Buffer(JPEG));
    const mediaDir = path.join(tempDir(), 'media');
    const shown: string[] = [];
    const attempt = fetchMedia({
      media,
      userId: user,
      table: 'photo_memories',
      recordId: 'p4',
      mediaDir,
      onThumbnail: (file) => shown.push(file),
    });
    await expect(attempt).rejects.toBeInstanceOf(ChecksumMismatchError);
    expect(shown).toHaveLength(1);
    expect(filesUnder(mediaDir)).toEqual([]);
  });

  it('files whose sha256 matches are verified', async () => {
    const user = uniqueUserId(`verified-${sdk}`);
    const media = openStore(sdk, user);
    await media.uploadBuffer(photoPath(user, 'p2'), JPEG, 'image/jpeg', sha256Buffer(JPEG));
    await media.uploadBuffer(thumbnailPath(user, 'p2'), THUMB, 'image/jpeg', sha256Buffer(THUMB));
    const fetched = await fetchMedia({
      media,
      userId: user,
      table: 'photo_memories',
      recordId: 'p2',
      mediaDir: tempDir(),
    });
    expect(fetched).toMatchObject({
      verification: 'verified',
      unverified: [],
      thumbnailMissing: false,
    });
    expect(fs.readFileSync(fetched.thumbnail!).equals(THUMB)).toBe(true);
  });

  it('a photo whose thumbnail is missing falls back to the original', async () => {
    const user = uniqueUserId(`nothumb-${sdk}`);
    const media = openStore(sdk, user);
    await media.uploadBuffer(photoPath(user, 'p3'), JPEG, 'image/jpeg', sha256Buffer(JPEG));
    const shown: string[] = [];
    const fetched = await fetchMedia({
      media,
      userId: user,
      table: 'photo_memories',
      recordId: 'p3',
      mediaDir: tempDir(),
      onThumbnail: (file) => shown.push(file),
    });
    expect(fs.readFileSync(fetched.original).equals(JPEG)).toBe(true);
    expect(fetched).toMatchObject({
      thumbnail: fetched.original,
      thumbnailMissing: true,
      verification: 'verified',
    });
    expect(shown).toEqual([fetched.original]);
  });
});
