/**
 * Photo upload throughput: 100 photos (12 MP JPEGs from the seeded generator) synced with their
 * thumbnails through the engine, against a raw upload of the same original bytes; and the
 * thumbnail time per photo. Usage: npx tsx bench/photo-upload.ts [count]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../src/adapters/clock';
import { createFirebaseClients } from '../src/adapters/firebase-clients';
import { FirestoreRemote } from '../src/adapters/firestore-remote';
import { BucketMediaStore } from '../src/adapters/storage-media';
import { openDatabase } from '../src/db/open-database';
import { startFirestoreEmulator } from '../src/emulators/firestore-emulator';
import { startStorageEmulator } from '../src/emulators/storage-emulator';
import { makeThumbnail } from '../src/files/thumbnail';
import { generatePhoto } from '../src/simulate/media-generator';
import { SyncManager } from '../src/sync/sync-manager';

process.env.METADATA_SERVER_DETECTION = 'none';
const COUNT = Number(process.argv[2] ?? 100);
const PROJECT = 'demo-photo-bench';
const mb = (bytes: number) => bytes / 1_000_000;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'photo-bench-'));
  const firestore = await startFirestoreEmulator({ projectId: PROJECT });
  const storage = await startStorageEmulator({ host: '127.0.0.1', port: 0, projectId: PROJECT });
  const clients = createFirebaseClients(
    { projectId: PROJECT, firestore: firestore.endpoint, storage: storage.endpoint },
    'bench',
  );
  try {
    const unique = 10;
    const files: string[] = [];
    for (let i = 0; i < COUNT; i += 1) {
      const file = path.join(dir, `p${i}.jpg`);
      if (i < unique) await generatePhoto(file, 1000 + i);
      else fs.copyFileSync(path.join(dir, `p${i % unique}.jpg`), file);
      files.push(file);
    }
    const originalBytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);

    let t = performance.now();
    let thumbBytes = 0;
    for (const file of files) thumbBytes += (await makeThumbnail(file)).length;
    const thumbMs = (performance.now() - t) / COUNT;

    const bucket = clients.bucket();
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < files.length) {
          const i = next++;
          await bucket.upload(files[i], { destination: `raw/${i}.jpg`, contentType: 'image/jpeg' });
        }
      }),
    );
    const rawSeconds = (performance.now() - t) / 1000;

    const opened = await openDatabase(`sqlite:${path.join(dir, 'd.db')}`);
    const sync = new SyncManager({
      database: opened.database,
      remote: new FirestoreRemote(clients.firestore),
      media: new BucketMediaStore(bucket),
      deviceId: 'bench',
      clock: new VirtualClock(),
    });
    await sync.initialize('bench-user');
    await sync.store.create(
      'photo_memories',
      files.map((f, i) => ({ local_uri: f, taken_at: i })),
    );
    t = performance.now();
    const result = await sync.syncAll();
    const engineSeconds = (performance.now() - t) / 1000;
    await opened.close();

    const report = {
      photos: COUNT,
      originalMB: +mb(originalBytes).toFixed(1),
      thumbnailMB: +mb(thumbBytes).toFixed(2),
      thumbnailMsPerPhoto: +thumbMs.toFixed(1),
      rawUploadMBps: +(mb(originalBytes) / rawSeconds).toFixed(1),
      engineSeconds: +engineSeconds.toFixed(2),
      engineMBps: +(mb(originalBytes + thumbBytes) / engineSeconds).toFixed(1),
      engineVsRaw: +(mb(originalBytes) / engineSeconds / (mb(originalBytes) / rawSeconds)).toFixed(
        2,
      ),
      pushed: result.pushed,
      failed: result.failed,
    };
    console.log(JSON.stringify(report));
  } finally {
    await clients.close();
    await storage.stop();
    await firestore.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
