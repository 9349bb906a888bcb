import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rawOf } from '../../src/db/raw-update';
import { sha256File } from '../../src/files/checksum';
import { fetchMedia } from '../../src/files/fetch-media';
import { photoPath, thumbnailPath, voicePath } from '../../src/files/media-paths';
import { makeThumbnail } from '../../src/files/thumbnail';
import { generateAudio, generatePhoto } from '../../src/simulate/media-generator';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type TestDevice, useDevices } from '../helpers/device';
import { useTempDir } from '../helpers/temp-dir';

/** Content type and custom metadata as firebase-admin's raw GCS view shows them. */
async function objectMetadata(objectPath: string) {
  const { bucket, close } = testClients('observer');
  try {
    const [metadata] = await bucket().file(objectPath).getMetadata();
    return { contentType: metadata.contentType, custom: metadata.metadata ?? {} };
  } finally {
    await close();
  }
}

describe.each([
  ['client', 'admin'],
  ['admin', 'client'],
] as const)(
  'a %s-SDK device’s files, fetched by a %s-SDK device of the same user',
  (writer, reader) => {
    const tempDir = useTempDir();
    const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite', withMedia: true });
    const record = async (d: TestDevice, table: string, id: string) =>
      rawOf(await d.opened.database.get(table).find(id));

    it('voice note and photo arrive with the app’s content types and checksums; the thumbnail is the 200×200 JPEG the uploader made', async () => {
      const user = uniqueUserId(`mix-${writer}`);
      const files = path.join(tempDir(), 'files');
      const audio = path.join(files, 'memo.m4a');
      generateAudio(audio, 5, 90);
      const photo = path.join(files, 'photo.jpg');
      await generatePhoto(photo, 8, { width: 1600, height: 1200 });
      const a = await device(user, 'writer', { sdk: writer });
      const b = await device(user, 'reader', { sdk: reader });
      try {
        const [voiceId] = await a.sync.store.create('voice_notes', [
          {
            audio_uri: `file://${audio}`,
            duration: 90,
            mime_type: 'audio/x-m4a',
            transcription_status: 'pending',
            recorded_at: 1,
          },
        ]);
        const [photoId] = await a.sync.store.create('photo_memories', [
          { local_uri: photo, caption: 'mixed', taken_at: 2 },
        ]);
        expect((await a.sync.syncAll()).success).toBe(true);

        expect(await objectMetadata(voicePath(user, voiceId))).toMatchObject({
          contentType: 'audio/x-m4a',
          custom: { sha256: await sha256File(audio) },
        });
        for (const objectPath of [photoPath(user, photoId), thumbnailPath(user, photoId)]) {
          expect((await objectMetadata(objectPath)).contentType).toBe('image/jpeg');
        }

        expect((await b.sync.syncAll()).success).toBe(true);
        const voiceOnB = await record(b, 'voice_notes', voiceId);
        expect(voiceOnB.audio_url).toBe(
          (await b.media!.stat(voicePath(user, voiceId)))!.downloadUrl,
        );
        const mediaDir = path.join(tempDir(), 'reader-media');
        const voice = await fetchMedia({
          media: b.media!,
          userId: user,
          table: 'voice_notes',
          recordId: voiceId,
          mediaDir,
        });
        expect(await sha256File(voice.original)).toBe(await sha256File(audio));

        // fetchMedia checks each download against the SHA-256 the writer stored with it.
        const fetched = await fetchMedia({
          media: b.media!,
          userId: user,
          table: 'photo_memories',
          recordId: photoId,
          mediaDir,
        });
        expect(fs.readFileSync(fetched.original).equals(fs.readFileSync(photo))).toBe(true);
        const thumbnail = fs.readFileSync(fetched.thumbnail!);
        expect(thumbnail.equals(await makeThumbnail(photo))).toBe(true);
        expect(await sharp(thumbnail).metadata()).toMatchObject({
          width: 200,
          height: 200,
          format: 'jpeg',
        });
        const photoOnB = await record(b, 'photo_memories', photoId);
        expect(photoOnB.thumbnail_url).toBe(
          (await b.media!.stat(thumbnailPath(user, photoId)))!.downloadUrl,
        );
      } finally {
        await closeAll();
      }
    });

    it('a photo deleted on the writer loses both its objects once the tombstone is up, whichever SDK reads after', async () => {
      const user = uniqueUserId(`mixdel-${writer}`);
      const photo = path.join(tempDir(), 'files', 'p.jpg');
      await generatePhoto(photo, 12, { width: 640, height: 480 });
      const a = await device(user, 'writer', { sdk: writer });
      const b = await device(user, 'reader', { sdk: reader });
      try {
        const [id] = await a.sync.store.create('photo_memories', [
          { local_uri: photo, taken_at: 1 },
        ]);
        await a.sync.syncAll();
        expect(await b.media!.stat(photoPath(user, id))).not.toBeNull();
        await a.sync.store.delete('photo_memories', [id]);
        expect((await a.sync.syncAll()).deleted).toBe(1);
        expect(await b.media!.stat(photoPath(user, id))).toBeNull();
        expect(await b.media!.stat(thumbnailPath(user, id))).toBeNull();
      } finally {
        await closeAll();
      }
    });
  },
);
