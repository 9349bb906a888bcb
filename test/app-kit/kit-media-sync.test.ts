import fs from 'node:fs';
import { doc, runTransaction, setLogLevel } from 'firebase/firestore';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { openClientStorage } from '../../src/adapters/client-storage';
import { createRecord, type KitWrite, mediaUpload, syncWrite } from '../../src/app-kit';
import { rawOf } from '../../src/db/raw-update';
import { sha256Buffer } from '../../src/files/checksum';
import { fetchMedia } from '../../src/files/fetch-media';
import { testEndpoints, uniqueUserId } from '../helpers/backend';
import { openClientFirestore } from '../helpers/client-sdk';
import { useDevices } from '../helpers/device';
import { KIT_SDK, kitContext, NEW_RECORD } from '../helpers/kit-records';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Files as the app uploads them with the kit (the JS SDK's Storage, the kit's path, content
 * type and `sha256` metadata; the record written after its files, with their download URLs):
 * a harness device pulls the records, sees the checksums the app set, and fetches the files,
 * each verified against its checksum, byte for byte what the app had.
 */
// The same copy of the Storage SDK as openClientStorage's (it requires the CommonJS build; an
// ES import here would be a second copy that does not recognise its FirebaseStorage).
const { getDownloadURL, getMetadata, ref, uploadBytes } =
  require('firebase/storage') as typeof import('firebase/storage');

describe('files the app uploads with the kit', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });
  beforeAll(() => setLogLevel('silent'));

  it('a voice note and a photo with its thumbnail reach a harness device, verified by their sha256', async () => {
    const user = uniqueUserId('kit-media');
    const ctx = kitContext(user, 'app-phone');
    const app = openClientFirestore(user);
    const { projectId, storage: endpoint } = testEndpoints();
    const appStorage = openClientStorage({ projectId, endpoint, userId: user, label: 'kit' });
    const photo = await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: 40, g: 120, b: 200 } },
    })
      .jpeg()
      .toBuffer();
    const thumbnail = await sharp(photo).resize(200, 200, { fit: 'cover' }).jpeg().toBuffer();
    const audio = Buffer.from('\0\0\0\x18ftypM4A kit voice note bytes');
    try {
      // The app: files first (path, content type, sha256 from the kit), then the record with
      // their URLs, so no device ever sees a URL that points nowhere.
      async function upload(
        input: Parameters<typeof mediaUpload>[0],
        bytes: Buffer,
      ): Promise<[string, string]> {
        const planned = mediaUpload(input);
        const object = ref(appStorage.storage, planned.path);
        await uploadBytes(object, bytes, planned.metadata);
        expect((await getMetadata(object)).customMetadata?.sha256).toBe(sha256Buffer(bytes));
        return [planned.urlColumn, await getDownloadURL(object)];
      }
      const of = (bytes: Buffer) => ({
        userId: user,
        sha256: sha256Buffer(bytes),
        bytes: bytes.length,
      });
      const voiceId = `voice-${process.pid}`;
      const photoId = `photo-${process.pid}`;
      const voiceUrls = Object.fromEntries([
        await upload(
          { kind: 'voice', recordId: voiceId, mimeType: 'audio/mp4', ...of(audio) },
          audio,
        ),
      ]);
      const photoUrls = Object.fromEntries([
        await upload({ kind: 'thumbnail', recordId: photoId, ...of(thumbnail) }, thumbnail),
        await upload({ kind: 'photo', recordId: photoId, ...of(photo) }, photo),
      ]);
      const writes: KitWrite[] = [
        createRecord('voice_notes', voiceId, { ...NEW_RECORD.voice_notes, ...voiceUrls }, ctx),
        createRecord(
          'photo_memories',
          photoId,
          { ...NEW_RECORD.photo_memories, ...photoUrls },
          ctx,
        ),
      ];
      for (const write of writes) {
        const outcome = await runTransaction(app.firestore, (tx) =>
          syncWrite(tx, doc(app.firestore, write.collection, write.id), write, KIT_SDK),
        );
        expect(outcome).toEqual({ status: 'written' });
      }

      // A harness device pulls both records with the URLs, and fetches the files, verified.
      const tablet = await device(user, 'tablet', { withMedia: true });
      expect(await tablet.sync.syncAll()).toMatchObject({
        success: true,
        pulled: 2,
        conflicts: [],
      });
      const pulledPhoto = rawOf(await tablet.opened.database.get('photo_memories').find(photoId));
      expect(pulledPhoto).toMatchObject({
        storage_url: photoUrls.storage_url,
        thumbnail_url: photoUrls.thumbnail_url,
      });
      const stored = await tablet.media!.stat(`users/${user}/photos/${photoId}.jpg`);
      expect(stored).toMatchObject({ sha256: sha256Buffer(photo), size: photo.length });
      const mediaDir = tempDir();
      const gotPhoto = await fetchMedia({
        media: tablet.media!,
        userId: user,
        table: 'photo_memories',
        recordId: photoId,
        mediaDir,
      });
      expect(fs.readFileSync(gotPhoto.original).equals(photo)).toBe(true);
      expect(fs.readFileSync(gotPhoto.thumbnail!).equals(thumbnail)).toBe(true);
      const gotVoice = await fetchMedia({
        media: tablet.media!,
        userId: user,
        table: 'voice_notes',
        recordId: voiceId,
        mediaDir,
      });
      expect(fs.readFileSync(gotVoice.original).equals(audio)).toBe(true);
    } finally {
      await closeAll();
      await app.close();
      await appStorage.close();
    }
  });
});
