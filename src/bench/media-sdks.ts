import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDeviceMedia } from '../adapters/device-media';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { forEachLimited } from '../core/limit';
import type { Sdk } from '../core/sdk';
import { startStorageEmulator } from '../emulators/storage-emulator';
import { sha256File } from '../files/checksum';
import { photoPath } from '../files/media-paths';
import { type Figure, megabytesPerSecond } from './figure';
import { makePhotos } from './files';
import { BENCH_PROJECT } from './fresh-emulator';
import { measure, spread } from './measure';

/**
 * Photos up and down through each SDK's MediaStore (firebase-admin, and the app's Storage JS
 * SDK), 4 in flight like the engine's uploader, on one Storage emulator. Checksums are computed
 * beforehand, so the figures are the stores' own cost. Not part of `bench` (whose JSON is a
 * contract); run with `npx tsx src/bench/media-sdks.ts [photos] [rounds]`.
 */
const IN_FLIGHT = 4;

export interface MediaSdkFigures {
  upload: Figure;
  download: Figure;
}

export async function measureMediaSdk(options: {
  sdk: Sdk;
  storage: string;
  photos: string[];
  userId: string;
  dir: string;
}): Promise<MediaSdkFigures> {
  const { sdk, storage, photos, userId } = options;
  const endpoints = { projectId: BENCH_PROJECT, firestore: '127.0.0.1:1', storage };
  const clients = createFirebaseClients(endpoints, `media-bench-${sdk}`);
  const files = openDeviceMedia({ sdk, endpoints, clients, userId, deviceId: `bench-${sdk}` });
  const bytes = photos.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  const shas = await Promise.all(photos.map((f) => sha256File(f)));
  const indexes = photos.map((_, i) => i);
  try {
    const up = await measure(() =>
      forEachLimited(indexes, IN_FLIGHT, async (i) => {
        await files.media.uploadFile(photoPath(userId, `p${i}`), photos[i], 'image/jpeg', shas[i]);
      }),
    );
    const down = await measure(() =>
      forEachLimited(indexes, IN_FLIGHT, async (i) => {
        await files.media.download(photoPath(userId, `p${i}`), path.join(options.dir, `d${i}.jpg`));
      }),
    );
    // Outside the timing: a figure for bytes that came back wrong would mean nothing.
    const got = await Promise.all(
      indexes.map((i) => sha256File(path.join(options.dir, `d${i}.jpg`))),
    );
    if (got.some((sha, i) => sha !== shas[i]))
      throw new Error(`${sdk}: a download differs from its upload`);
    const figure = (ms: number, peakRssMB: number): Figure => ({
      records: photos.length,
      ms,
      peakRssMB,
      bytes,
    });
    return { upload: figure(up.ms, up.peakRssMB), download: figure(down.ms, down.peakRssMB) };
  } finally {
    await Promise.all([files.close(), clients.close()]);
  }
}

async function main(count: number, rounds: number): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'media-sdks-'));
  const storage = await startStorageEmulator({
    host: '127.0.0.1',
    port: 0,
    projectId: BENCH_PROJECT,
  });
  try {
    const photos = await makePhotos(path.join(dir, 'photos'), count);
    const runs: Record<Sdk, MediaSdkFigures[]> = { admin: [], client: [] };
    // Alternate the SDKs, so a slow moment of the machine does not fall on one of them only.
    for (let round = 0; round < rounds; round += 1) {
      for (const sdk of ['admin', 'client'] as const) {
        const out = path.join(dir, `out-${sdk}-${round}`);
        fs.mkdirSync(out);
        const userId = `bench-${sdk}-${round}`;
        runs[sdk].push(
          await measureMediaSdk({ sdk, storage: storage.endpoint, photos, userId, dir: out }),
        );
      }
      await storage.reset();
    }
    const summary = (figures: Figure[]) => ({
      ms: spread(figures.map((f) => Math.round(f.ms))),
      mbPerSecond: Number(spread(figures.map(megabytesPerSecond)).median.toFixed(1)),
      peakRssMB: Math.max(...figures.map((f) => f.peakRssMB)),
    });
    const report = {
      photos: count,
      megabytes: Number(((runs.admin[0]?.upload.bytes ?? 0) / 1e6).toFixed(1)),
      rounds,
      inFlight: IN_FLIGHT,
      admin: {
        upload: summary(runs.admin.map((r) => r.upload)),
        download: summary(runs.admin.map((r) => r.download)),
      },
      client: {
        upload: summary(runs.client.map((r) => r.upload)),
        download: summary(runs.client.map((r) => r.download)),
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await storage.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(Number(process.argv[2] ?? 20), Number(process.argv[3] ?? 5)).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
