import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { forkRandom } from '../core/random';

/**
 * Real media for simulated devices, the same bytes for the same seed:
 *  - photos: JPEGs of the requested size (12 MP by default, like a phone camera), smooth colour
 *    fields with grain so they compress to a realistic few megabytes;
 *  - voice notes: `.m4a`-sized files (an MP4 `ftyp` header, then seeded bytes) at AAC's typical
 *    64 kbit/s, i.e. 8 KB per second of audio.
 */
export interface PhotoSpec {
  width?: number;
  height?: number;
  quality?: number;
}

export async function generatePhoto(
  file: string,
  seed: number,
  spec: PhotoSpec = {},
): Promise<number> {
  const width = spec.width ?? 4000;
  const height = spec.height ?? 3000;
  const random = forkRandom(seed, 'photo');
  // A coarse seeded grid, upscaled: smooth shapes like a real scene.
  const gridW = 48;
  const gridH = Math.max(2, Math.round((gridW * height) / width));
  const grid = Buffer.alloc(gridW * gridH * 3);
  for (let i = 0; i < grid.length; i += 1) grid[i] = Math.floor(random() * 256);
  const smooth = await sharp(grid, { raw: { width: gridW, height: gridH, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  // Grain: seeded noise keeps the JPEG at a phone photo's size.
  for (let i = 0; i < smooth.length; i += 1) {
    smooth[i] = Math.max(0, Math.min(255, smooth[i] + Math.floor(random() * 24) - 12));
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const info = await sharp(smooth, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: spec.quality ?? 88 })
    .toFile(file);
  return info.size;
}

export const AUDIO_BYTES_PER_SECOND = 8_000;

export function generateAudio(file: string, seed: number, durationSeconds: number): number {
  const random = forkRandom(seed, 'audio');
  const size = Math.max(64, Math.round(durationSeconds * AUDIO_BYTES_PER_SECOND));
  const bytes = Buffer.alloc(size);
  // ISO base media "ftyp" box, brand M4A: players and `file` recognise it as audio/mp4.
  const header = Buffer.from([
    0,
    0,
    0,
    0x20,
    ...Buffer.from('ftypM4A '),
    0,
    0,
    0,
    0,
    ...Buffer.from('M4A mp42isom'),
    0,
    0,
    0,
    0,
  ]);
  header.copy(bytes);
  for (let i = header.length; i < size; i += 4)
    bytes.writeUInt32LE(Math.floor(random() * 4_294_967_296) >>> 0, Math.min(i, size - 4));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return size;
}
