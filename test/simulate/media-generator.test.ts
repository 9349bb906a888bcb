import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/random';
import { sha256File } from '../../src/files/checksum';
import {
  AUDIO_BYTES_PER_SECOND,
  generateAudio,
  generatePhoto,
} from '../../src/simulate/media-generator';
import { useTempDir } from '../helpers/temp-dir';

describe('generated media', () => {
  const tempDir = useTempDir();

  it('the same seed gives the same photo bytes, another seed other bytes; photos are real JPEGs of the asked size', async () => {
    const dir = tempDir();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => path.join(dir, `${n}.jpg`));
    await generatePhoto(a, 1, { width: 1200, height: 900 });
    await generatePhoto(b, 1, { width: 1200, height: 900 });
    await generatePhoto(c, 2, { width: 1200, height: 900 });
    expect(await sha256File(a)).toBe(await sha256File(b));
    expect(await sha256File(a)).not.toBe(await sha256File(c));
    expect(await sharp(a).metadata()).toMatchObject({ format: 'jpeg', width: 1200, height: 900 });
  });

  it('audio has the size of its duration at 64 kbit/s, an MP4 ftyp header, and is seeded', () => {
    const dir = tempDir();
    const size = generateAudio(path.join(dir, 'a.m4a'), 5, 12);
    expect(size).toBe(12 * AUDIO_BYTES_PER_SECOND);
    const bytes = fs.readFileSync(path.join(dir, 'a.m4a'));
    expect(bytes.subarray(4, 12).toString()).toBe('ftypM4A ');
    generateAudio(path.join(dir, 'b.m4a'), 5, 12);
    expect(fs.readFileSync(path.join(dir, 'b.m4a')).equals(bytes)).toBe(true);
  });

  it('the seeded PRNG repeats its sequence for a seed and stays in [0, 1)', () => {
    const first = Array.from({ length: 1000 }, seededRandom(99));
    expect(Array.from({ length: 1000 }, seededRandom(99))).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(990);
  });
});
