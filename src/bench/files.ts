import fs from 'node:fs';
import path from 'node:path';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { generatePhoto } from '../simulate/media-generator';
import { openBenchDevice } from './bench-device';
import type { Figure } from './figure';
import { BENCH_PROJECT } from './fresh-emulator';
import { measure } from './measure';

/**
 * Files: photos (12 MP JPEGs from the seeded generator) synced with their thumbnails through the
 * engine, against a raw upload of the same original bytes (4 in flight). MB/s counts the
 * original bytes for both. The engine makes a photo's thumbnail when the photo is recorded
 * (src/files/recorded-photos.ts, with its checksum), so the timed sync uploads originals and thumbnails; the
 * recording, thumbnails included, is timed apart and said in the figure's note (docs/bench.md).
 */
export async function makePhotos(dir: string, count: number): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const unique = Math.min(count, 5);
  const files: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const file = path.join(dir, `p${i}.jpg`);
    if (i < unique) await generatePhoto(file, 1000 + i);
    else fs.copyFileSync(path.join(dir, `p${i % unique}.jpg`), file);
    files.push(file);
  }
  return files;
}

const bytesOf = (files: string[]) => files.reduce((sum, f) => sum + fs.statSync(f).size, 0);

export async function filesOurs(
  firestore: string,
  storage: string,
  dir: string,
  photos: string[],
): Promise<Figure & { note: string }> {
  const device = await openBenchDevice({ dir, name: `photos-${Date.now()}`, firestore, storage });
  try {
    const started = performance.now();
    await device.sync.store.create(
      'photo_memories',
      photos.map((f, i) => ({ local_uri: f, taken_at: i })),
    );
    const recordMs = performance.now() - started;
    const run = await measure(() => device.sync.syncAll());
    if (run.value.pushed !== photos.length)
      throw new Error(`files: ${run.value.pushed} of ${photos.length} pushed`);
    return {
      records: photos.length,
      ms: run.ms,
      peakRssMB: run.peakRssMB,
      bytes: bytesOf(photos),
      note: `thumbnails made when recorded: recording took ${Math.round(recordMs)} ms (not in the figure)`,
    };
  } finally {
    await device.close();
  }
}

export async function filesCeiling(storage: string, photos: string[]): Promise<Figure> {
  const clients = createFirebaseClients(
    { projectId: BENCH_PROJECT, firestore: '127.0.0.1:1', storage },
    'raw-files',
  );
  const bucket = clients.bucket();
  const run = await measure(async () => {
    let next = 0;
    const tag = Date.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < photos.length) {
          const i = next++;
          await bucket.upload(photos[i], {
            destination: `raw/${tag}/${i}.jpg`,
            contentType: 'image/jpeg',
          });
        }
      }),
    );
  });
  await clients.close();
  return { records: photos.length, ms: run.ms, peakRssMB: run.peakRssMB, bytes: bytesOf(photos) };
}
