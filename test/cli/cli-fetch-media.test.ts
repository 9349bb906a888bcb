import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendArgs, testClients, uniqueUserId } from '../helpers/backend';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/**
 * `sync --fetch-media`: a second device downloads what the first uploaded and says how much of it
 * it could verify. An object replaced without `sha256` metadata is counted as unverified (and
 * named); one whose bytes no longer match its checksum is refused, reported, and exits 1.
 */
describe('sync --fetch-media', () => {
  const tempDir = useTempDir('cli-fetch-media-');

  it('fetches the other device’s files verified, then reports an overwritten one as unverified and a tampered one as refused', async () => {
    const user = uniqueUserId('fetch');
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--user', user, ...backendArgs()];
    const phone = [...base, '--device', 'phone'];
    const tablet = [...base, '--device', 'tablet'];
    expect(
      (await runCli([...phone, 'seed', '--voice', '1', '--photos', '2', '--seed', '7'])).code,
    ).toBe(0);
    expect((await runCli([...phone, 'sync'])).code).toBe(0);
    expect((await runCli([...tablet, 'seed', '--text', '1'])).code).toBe(0);

    const first = await runCli([...tablet, '--json', 'sync', '--fetch-media']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).result.media).toEqual({
      wanted: 3,
      fetched: 3,
      verified: 3,
      unverified: [],
      refused: [],
      failed: [],
      thumbnailMissing: [],
    });
    const tabletMedia = path.join(dataDir, 'media', user, 'tablet');
    expect(
      fs.readdirSync(path.join(tabletMedia, 'photos')).filter((f) => f.endsWith('.jpg')),
    ).toHaveLength(2);

    // The phone itself has its files: nothing to fetch.
    const own = await runCli([...phone, '--json', 'sync', '--fetch-media']);
    expect(JSON.parse(own.stdout).result.media.wanted).toBe(0);

    // Someone replaces the voice note without a checksum, and a photo's bytes under its old one.
    const clients = testClients('cli-fetch-media');
    const [files] = await clients.bucket().getFiles({ prefix: `users/${user}/` });
    const voice = files.find((f) => f.name.includes('/voice/'))!;
    const photo = files.find((f) => /\/photos\/[^/]+\.jpg$/.test(f.name))!;
    const [photoMeta] = await photo.getMetadata();
    await voice.save(Buffer.from('not a voice note'), {
      metadata: { contentType: 'audio/mp4', metadata: {} },
    });
    await photo.save(Buffer.from('not that photo'), {
      metadata: {
        contentType: 'image/jpeg',
        metadata: { sha256: (photoMeta.metadata as Record<string, string>).sha256 },
      },
    });
    await clients.close();

    const laptop = [...base, '--device', 'laptop'];
    expect((await runCli([...laptop, 'seed', '--text', '1'])).code).toBe(0);
    const second = await runCli([...laptop, '--json', 'sync', '--fetch-media']);
    expect(second.code, second.stderr).toBe(1);
    const media = JSON.parse(second.stdout).result.media;
    expect(media).toMatchObject({ wanted: 3, fetched: 2, verified: 1 });
    expect(media.unverified).toEqual([
      { table: 'voice_notes', recordId: expect.any(String), objects: [voice.name] },
    ]);
    expect(media.refused).toEqual([
      {
        table: 'photo_memories',
        recordId: expect.any(String),
        error: expect.stringContaining(photo.name),
      },
    ]);
    expect(fs.existsSync(path.join(dataDir, 'media', user, 'laptop', 'voice'))).toBe(true);

    const text = await runCli([...laptop, 'sync', '--fetch-media']);
    expect(text.stdout).toMatch(
      /media: 0 of 1 fetched, 0 verified, 0 unverified \(no stored SHA-256\), 1 refused/,
    );
    expect(text.stdout).toContain(`media error: photo_memories/`);
  });
});
