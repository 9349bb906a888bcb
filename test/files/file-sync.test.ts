import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rawOf } from '../../src/db/raw-update';
import { sha256File } from '../../src/files/checksum';
import { fetchMedia } from '../../src/files/fetch-media';
import type { MediaStore } from '../../src/files/media-store';
import { generateAudio, generatePhoto } from '../../src/simulate/media-generator';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type TestDevice, useDevices } from '../helpers/device';
import { statusesOf } from '../helpers/inspect';
import { grpcError } from '../helpers/intercept-remote';
import { SDKS } from '../helpers/media-stores';
import { useTempDir } from '../helpers/temp-dir';

async function objectsUnder(prefix: string): Promise<string[]> {
  const { bucket, close } = testClients('objects');
  try {
    const [files] = await bucket().getFiles({ prefix });
    return files.map((f) => f.name).sort();
  } finally {
    await close();
  }
}

async function fetchBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe.each(SDKS)('file sync through the Storage emulator, %s SDK', (sdk) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite', withMedia: true, sdk });
  const record = async (d: TestDevice, table: string, id: string) =>
    rawOf(await d.opened.database.get(table).find(id));

  it('a 5 MB voice note: uploaded before its document, its URL returns the bytes, and another device fetches it verified', async () => {
    const user = uniqueUserId('voice');
    const audio = path.join(tempDir(), 'files', 'memo.m4a');
    const size = generateAudio(audio, 7, 625);
    expect(size).toBe(5_000_000);
    const a = await device(user, 'a');
    const b = await device(user, 'b');
    try {
      const [id] = await a.sync.store.create('voice_notes', [
        {
          audio_uri: `file://${audio}`,
          duration: 625,
          mime_type: 'audio/mp4',
          transcription_status: 'pending',
          recorded_at: 1,
        },
      ]);
      const result = await a.sync.syncAll();
      expect(result.success).toBe(true);
      const url = (await record(a, 'voice_notes', id)).audio_url as string;
      expect(url).toMatch(
        new RegExp(`/v0/b/.+/o/users%2F${user}%2Fvoice%2F${id}\\.m4a\\?alt=media&token=`),
      );
      expect((await fetchBytes(url)).equals(fs.readFileSync(audio))).toBe(true);

      await b.sync.syncAll();
      expect((await record(b, 'voice_notes', id)).audio_url).toBe(url);
      const fetched = await fetchMedia({
        media: b.media!,
        userId: user,
        table: 'voice_notes',
        recordId: id,
        mediaDir: path.join(tempDir(), 'b-media'),
      });
      expect(await sha256File(fetched.original)).toBe(await sha256File(audio));
    } finally {
      await closeAll();
    }
  });

  it('a 12-megapixel photo: original and a 200×200 JPEG thumbnail uploaded, both URLs return their bytes, thumbnail fetched first', async () => {
    const user = uniqueUserId('photo');
    const photo = path.join(tempDir(), 'files', 'sunset.jpg');
    await generatePhoto(photo, 11);
    expect(await sharp(photo).metadata()).toMatchObject({ width: 4000, height: 3000 });
    const a = await device(user, 'a');
    const b = await device(user, 'b');
    try {
      const [id] = await a.sync.store.create('photo_memories', [
        { local_uri: photo, caption: 'sunset', taken_at: 5 },
      ]);
      expect((await a.sync.syncAll()).success).toBe(true);
      const raw = await record(a, 'photo_memories', id);
      expect((await fetchBytes(raw.storage_url as string)).equals(fs.readFileSync(photo))).toBe(
        true,
      );
      const thumbnail = await fetchBytes(raw.thumbnail_url as string);
      expect(await sharp(thumbnail).metadata()).toMatchObject({
        width: 200,
        height: 200,
        format: 'jpeg',
      });
      // (sorted: which comes first depends on the random record id)
      expect(await objectsUnder(`users/${user}/`)).toEqual(
        [`users/${user}/photos/${id}.jpg`, `users/${user}/photos/thumbnails/${id}.jpg`].sort(),
      );

      await b.sync.syncAll();
      const order: string[] = [];
      const fetched = await fetchMedia({
        media: b.media!,
        userId: user,
        table: 'photo_memories',
        recordId: id,
        mediaDir: path.join(tempDir(), 'b-media'),
        onThumbnail: (file) => order.push(`thumbnail ${fs.existsSync(file)}`),
      });
      order.push('original');
      expect(order).toEqual(['thumbnail true', 'original']);
      expect(fs.readFileSync(fetched.original).equals(fs.readFileSync(photo))).toBe(true);
      expect(fs.readFileSync(fetched.thumbnail!).equals(thumbnail)).toBe(true);
    } finally {
      await closeAll();
    }
  });

  it('an upload whose acknowledgement is lost is retried without a second object or a new URL', async () => {
    const user = uniqueUserId('lostack');
    const audio = path.join(tempDir(), 'files', 'a.m4a');
    generateAudio(audio, 3, 20);
    let uploads = 0;
    const loseFirstAck = (real: MediaStore): MediaStore => ({
      ...real,
      stat: (p) => real.stat(p),
      download: (p, f) => real.download(p, f),
      delete: (p) => real.delete(p),
      uploadBuffer: (...args) => real.uploadBuffer(...args),
      async uploadFile(...args) {
        const stored = await real.uploadFile(...args);
        uploads += 1;
        if (uploads === 1) throw grpcError(14, 'UNAVAILABLE: connection reset after upload');
        return stored;
      },
    });
    const a = await device(user, 'a', { withMedia: loseFirstAck, random: () => 0 });
    try {
      const [id] = await a.sync.store.create('voice_notes', [
        {
          audio_uri: audio,
          duration: 20,
          mime_type: 'audio/mp4',
          transcription_status: 'none',
          recorded_at: 1,
        },
      ]);
      const firstUpload = await objectsUnder(`users/${user}/`); // nothing yet
      expect(firstUpload).toEqual([]);
      const result = await a.sync.syncAll();
      expect(result.success).toBe(true);
      expect(uploads).toBe(1); // the retry found the same bytes already there and reused them
      expect(await objectsUnder(`users/${user}/`)).toEqual([`users/${user}/voice/${id}.m4a`]);
      const stored = await a.media!.stat(`users/${user}/voice/${id}.m4a`);
      expect((await record(a, 'voice_notes', id)).audio_url).toBe(stored!.downloadUrl);
    } finally {
      await closeAll();
    }
  });

  it('a missing local file or an undecodable photo parks that record in error with a clear message; the others sync', async () => {
    const user = uniqueUserId('bad');
    const good = path.join(tempDir(), 'files', 'good.jpg');
    await generatePhoto(good, 5, { width: 640, height: 480 });
    const broken = path.join(tempDir(), 'files', 'broken.jpg');
    fs.writeFileSync(broken, Buffer.from('this is not a jpeg'));
    const a = await device(user, 'a');
    try {
      const [ok, missing, undecodable] = await a.sync.store.create('photo_memories', [
        { local_uri: good, taken_at: 1 },
        { local_uri: path.join(tempDir(), 'files', 'gone.jpg'), taken_at: 2 },
        { local_uri: broken, taken_at: 3 },
      ]);
      const result = await a.sync.syncAll();
      expect(result.pushed).toBe(1);
      const statuses = await statusesOf(a, 'photo_memories');
      expect(statuses).toEqual({ [ok]: 'synced', [missing]: 'error', [undecodable]: 'error' });
      const messages = Object.fromEntries(result.errors.map((e) => [e.documentId, e.error]));
      expect(messages[missing]).toMatch(/the local file .*gone\.jpg does not exist/);
      expect(messages[undecodable]).toMatch(/cannot be decoded as an image/);
      const { firestore, close } = testClients();
      try {
        expect((await firestore.collection('photo_memories').doc(missing).get()).exists).toBe(
          false,
        );
      } finally {
        await close();
      }
    } finally {
      await closeAll();
    }
  });

  it('a record whose upload keeps failing is not pushed: no device ever sees a URL that points nowhere', async () => {
    const user = uniqueUserId('nourl');
    const audio = path.join(tempDir(), 'files', 'a.m4a');
    generateAudio(audio, 4, 5);
    const failing = (real: MediaStore): MediaStore => ({
      ...real,
      stat: (p) => real.stat(p),
      uploadFile: async () => {
        throw grpcError(14, 'UNAVAILABLE');
      },
    });
    const a = await device(user, 'a', { withMedia: failing, random: () => 0 });
    try {
      const [id] = await a.sync.store.create('voice_notes', [
        {
          audio_uri: audio,
          duration: 5,
          mime_type: 'audio/mp4',
          transcription_status: 'none',
          recorded_at: 1,
        },
      ]);
      const result = await a.sync.syncAll();
      expect(result.errors[0]).toMatchObject({ documentId: id, kind: 'retryable' });
      expect((await statusesOf(a, 'voice_notes'))[id]).toBe('pending');
      const { firestore, close } = testClients();
      try {
        expect((await firestore.collection('voice_notes').doc(id).get()).exists).toBe(false);
      } finally {
        await close();
      }
    } finally {
      await closeAll();
    }
  });

  it('deleting a photo removes its original and thumbnail once the tombstone is pushed, not before', async () => {
    const user = uniqueUserId('del');
    const photo = path.join(tempDir(), 'files', 'p.jpg');
    await generatePhoto(photo, 9, { width: 800, height: 600 });
    let online = true;
    const a = await device(user, 'a', { network: { isOnline: () => online } });
    try {
      const [id] = await a.sync.store.create('photo_memories', [{ local_uri: photo, taken_at: 1 }]);
      await a.sync.syncAll();
      expect(await objectsUnder(`users/${user}/`)).toHaveLength(2);
      online = false;
      await a.sync.store.delete('photo_memories', [id]);
      await a.sync.syncAll(); // offline: the tombstone is not up, so the blobs stay
      expect(await objectsUnder(`users/${user}/`)).toHaveLength(2);
      online = true;
      const result = await a.sync.syncAll();
      expect(result.deleted).toBe(1);
      expect(await objectsUnder(`users/${user}/`)).toEqual([]);
    } finally {
      await closeAll();
    }
  });
});
