import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawOf } from '../../src/db/raw-update';
import type { MediaFiles } from '../../src/files/media-files';
import type { MediaStore } from '../../src/files/media-store';
import { nodeMediaFiles } from '../../src/files/node-media-files';
import { generatePhoto } from '../../src/simulate/media-generator';
import { testClients, uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { statusesOf } from '../helpers/inspect';
import { grpcError } from '../helpers/intercept-remote';
import { useTempDir } from '../helpers/temp-dir';

/** Node's media files, counting the thumbnails being made at once and which files they were. */
function countingThumbnails() {
  const seen = { inFlight: 0, most: 0, files: [] as string[] };
  const files: MediaFiles = {
    ...nodeMediaFiles,
    thumbnailOf: async (file) => {
      seen.inFlight += 1;
      seen.most = Math.max(seen.most, seen.inFlight);
      seen.files.push(path.basename(file));
      try {
        return await nodeMediaFiles.thumbnailOf(file);
      } finally {
        seen.inFlight -= 1;
      }
    },
  };
  return { files, seen };
}

async function objectsUnder(prefix: string): Promise<string[]> {
  const { bucket, close } = testClients('objects');
  try {
    const [files] = await bucket().getFiles({ prefix });
    return files.map((f) => f.name).sort();
  } finally {
    await close();
  }
}

describe('thumbnailing off the upload critical path (issue 19)', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite', withMedia: true });

  it('makes the thumbnails one at a time beside the uploads, each once, instead of one per upload slot at once', async () => {
    const user = uniqueUserId('ahead');
    const photos: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const file = path.join(tempDir(), 'files', `p${i}.jpg`);
      await generatePhoto(file, 30 + i, { width: 800, height: 600 });
      photos.push(file);
    }
    const { files, seen } = countingThumbnails();
    const a = await device(user, 'a', { mediaFiles: files });
    try {
      const ids = await a.sync.store.create(
        'photo_memories',
        photos.map((local_uri, i) => ({ local_uri, taken_at: i })),
      );
      const result = await a.sync.syncAll();
      expect(result.pushed).toBe(6);
      // Four decodes at once (one per upload slot) held libuv's threadpool, which the uploads'
      // file reads need: the stage makes one at a time.
      expect(seen.most).toBe(1);
      expect([...seen.files].sort()).toEqual(photos.map((p) => path.basename(p)).sort());
      expect(await objectsUnder(`users/${user}/`)).toEqual(
        ids
          .flatMap((id) => [
            `users/${user}/photos/${id}.jpg`,
            `users/${user}/photos/thumbnails/${id}.jpg`,
          ])
          .sort(),
      );
    } finally {
      await closeAll();
    }
  });

  it('an undecodable photo among others is parked in error and leaves no object, though the others upload beside it', async () => {
    const user = uniqueUserId('ahead-bad');
    const good = [0, 1, 2].map((i) => path.join(tempDir(), 'files', `g${i}.jpg`));
    for (const [i, file] of good.entries())
      await generatePhoto(file, 40 + i, { width: 640, height: 480 });
    const broken = path.join(tempDir(), 'files', 'broken.jpg');
    fs.writeFileSync(broken, Buffer.from('this is not a jpeg'));
    const a = await device(user, 'a');
    try {
      const [g0, bad, g1, g2] = await a.sync.store.create('photo_memories', [
        { local_uri: good[0], taken_at: 1 },
        { local_uri: broken, taken_at: 2 },
        { local_uri: good[1], taken_at: 3 },
        { local_uri: good[2], taken_at: 4 },
      ]);
      const result = await a.sync.syncAll();
      expect(result.pushed).toBe(3);
      expect(await statusesOf(a, 'photo_memories')).toEqual({
        [g0]: 'synced',
        [bad]: 'error',
        [g1]: 'synced',
        [g2]: 'synced',
      });
      expect(result.errors.find((e) => e.documentId === bad)?.error).toMatch(
        /cannot be decoded as an image/,
      );
      const objects = await objectsUnder(`users/${user}/`);
      expect(objects.filter((o) => o.includes(bad))).toEqual([]);
      expect(objects).toHaveLength(6);
    } finally {
      await closeAll();
    }
  });

  it('a photo whose original loses its acknowledgement while the thumbnail goes up beside it is retried once both ended, reusing both objects and their URLs', async () => {
    const user = uniqueUserId('ahead-ack');
    const photo = path.join(tempDir(), 'files', 'ack.jpg');
    await generatePhoto(photo, 50, { width: 800, height: 600 });
    const calls: string[] = [];
    const loseFirstOriginalAck = (real: MediaStore): MediaStore => ({
      ...real,
      stat: (p) => real.stat(p),
      download: (p, f) => real.download(p, f),
      delete: (p) => real.delete(p),
      async uploadBuffer(...args) {
        calls.push('thumbnail');
        return real.uploadBuffer(...args);
      },
      async uploadFile(...args) {
        calls.push('original');
        const stored = await real.uploadFile(...args);
        if (calls.filter((c) => c === 'original').length === 1)
          throw grpcError(14, 'UNAVAILABLE: connection reset after upload');
        return stored;
      },
    });
    const a = await device(user, 'a', { withMedia: loseFirstOriginalAck, random: () => 0 });
    try {
      const [id] = await a.sync.store.create('photo_memories', [{ local_uri: photo, taken_at: 1 }]);
      const result = await a.sync.syncAll();
      expect(result.success).toBe(true);
      // One upload each: the retry found both objects with the same bytes and reused them.
      expect(calls.sort()).toEqual(['original', 'thumbnail']);
      expect(await objectsUnder(`users/${user}/`)).toEqual(
        [`users/${user}/photos/${id}.jpg`, `users/${user}/photos/thumbnails/${id}.jpg`].sort(),
      );
      const raw = rawOf(await a.opened.database.get('photo_memories').find(id));
      expect(raw.storage_url).toBe(
        (await a.media!.stat(`users/${user}/photos/${id}.jpg`))!.downloadUrl,
      );
      expect(raw.thumbnail_url).toBe(
        (await a.media!.stat(`users/${user}/photos/thumbnails/${id}.jpg`))!.downloadUrl,
      );
    } finally {
      await closeAll();
    }
  });
});
