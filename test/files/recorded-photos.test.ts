import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MediaFiles } from '../../src/files/media-files';
import { nodeMediaFiles } from '../../src/files/node-media-files';
import { makeThumbnail } from '../../src/files/thumbnail';
import { generatePhoto } from '../../src/simulate/media-generator';
import { testClients, uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { useTempDir } from '../helpers/temp-dir';

/** Node's media files, logging each thumbnail decode and each file hashed. */
function loggingThumbnails() {
  const decoded: string[] = [];
  const hashed: string[] = [];
  const files: MediaFiles = {
    ...nodeMediaFiles,
    thumbnailOf: async (file) => {
      decoded.push(path.basename(file));
      return nodeMediaFiles.thumbnailOf(file);
    },
    sha256OfFile: async (file) => {
      hashed.push(path.basename(file));
      return nodeMediaFiles.sha256OfFile(file);
    },
  };
  return { files, decoded, hashed };
}

async function storedSha256(user: string, id: string): Promise<string> {
  const { bucket, close } = testClients('recorded-sha');
  try {
    const [metadata] = await bucket().file(`users/${user}/photos/${id}.jpg`).getMetadata();
    return String((metadata.metadata as Record<string, unknown>).sha256);
  } finally {
    await close();
  }
}

async function storedThumbnail(user: string, id: string): Promise<Buffer> {
  const { bucket, close } = testClients('recorded-thumbs');
  try {
    const [bytes] = await bucket().file(`users/${user}/photos/thumbnails/${id}.jpg`).download();
    return bytes;
  } finally {
    await close();
  }
}

/**
 * Thumbnails and checksums made when the photo is recorded (src/files/recorded-photos.ts, issue
 * 19): the sync then only uploads. Real device, real Storage emulator, real decoding and hashing;
 * the port only logs.
 */
describe('thumbnails and checksums made when the photo is recorded', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite', withMedia: true });

  it('are made once, at recording, and the sync uploads with them', async () => {
    const user = uniqueUserId('recorded');
    const photos: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const file = path.join(tempDir(), 'files', `r${i}.jpg`);
      await generatePhoto(file, 60 + i, { width: 800, height: 600 });
      photos.push(file);
    }
    const { files, decoded, hashed } = loggingThumbnails();
    const a = await device(user, 'a', { mediaFiles: files });
    try {
      const ids = await a.sync.store.create(
        'photo_memories',
        photos.map((local_uri, i) => ({ local_uri, taken_at: i })),
      );
      expect(decoded).toEqual(['r0.jpg', 'r1.jpg', 'r2.jpg']);
      expect(hashed).toEqual(['r0.jpg', 'r1.jpg', 'r2.jpg']);
      const result = await a.sync.syncAll();
      expect(result.pushed).toBe(3);
      // Before: the sync decoded and hashed each photo again (6 of each in all).
      expect(decoded).toHaveLength(3);
      expect(hashed).toHaveLength(3);
      for (const [i, id] of ids.entries()) {
        expect(await storedThumbnail(user, id)).toEqual(await makeThumbnail(photos[i]));
        expect(await storedSha256(user, id)).toBe(await nodeMediaFiles.sha256OfFile(photos[i]));
      }
    } finally {
      await closeAll();
    }
  });

  it('of a photo replaced at its path after recording are made again from the new file', async () => {
    const user = uniqueUserId('recorded-replaced');
    const file = path.join(tempDir(), 'files', 'replaced.jpg');
    await generatePhoto(file, 70, { width: 800, height: 600 });
    const { files, decoded, hashed } = loggingThumbnails();
    const a = await device(user, 'a', { mediaFiles: files });
    try {
      const [id] = await a.sync.store.create('photo_memories', [{ local_uri: file, taken_at: 1 }]);
      const oldSha = await nodeMediaFiles.sha256OfFile(file);
      const old = await makeThumbnail(file);
      await generatePhoto(file, 71, { width: 640, height: 480 });
      const now = await makeThumbnail(file);
      expect(now).not.toEqual(old);
      decoded.length = 0;
      hashed.length = 0;
      expect((await a.sync.syncAll()).pushed).toBe(1);
      expect(decoded).toEqual(['replaced.jpg']);
      expect(hashed).toEqual(['replaced.jpg']);
      expect(await storedThumbnail(user, id)).toEqual(now);
      const newSha = await nodeMediaFiles.sha256OfFile(file);
      expect(newSha).not.toBe(oldSha);
      expect(await storedSha256(user, id)).toBe(newSha);
    } finally {
      await closeAll();
    }
  });
});
