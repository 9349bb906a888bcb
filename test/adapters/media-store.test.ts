import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { sha256Buffer, sha256File } from '../../src/files/checksum';
import { photoPath, thumbnailPath, voicePath } from '../../src/files/media-paths';
import { FaultProxy } from '../../src/simulate/fault-proxy';
import { generateAudio } from '../../src/simulate/media-generator';
import { classifyError } from '../../src/sync/classify-error';
import { testClients, testEndpoints, uniqueUserId } from '../helpers/backend';
import { SDKS, useMediaStores } from '../helpers/media-stores';
import { useTempDir } from '../helpers/temp-dir';

/** What the object looks like to a neutral observer (firebase-admin's raw GCS metadata). */
async function rawObject(objectPath: string) {
  const { bucket, close } = testClients('observer');
  try {
    const [metadata] = await bucket().file(objectPath).getMetadata();
    return {
      contentType: metadata.contentType,
      size: Number(metadata.size),
      custom: (metadata.metadata ?? {}) as Record<string, string>,
    };
  } finally {
    await close();
  }
}

async function fetchBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

function urlPattern(objectPath: string, origin = `http://${testEndpoints().storage}`): RegExp {
  const escaped = `${origin}/v0/b/${testEndpoints().projectId}.appspot.com/o/${encodeURIComponent(objectPath)}`;
  return new RegExp(`^${escaped.replace(/[.?]/g, '\\$&')}\\?alt=media&token=[\\w-]+$`);
}

describe.each(SDKS)('MediaStore contract, %s SDK', (sdk) => {
  const tempDir = useTempDir();
  const openStore = useMediaStores();

  it('an object that is not there: stat is null, delete is fine, download fails as not-found (permanent)', async () => {
    const user = uniqueUserId(`none-${sdk}`);
    const media = openStore(sdk, user);
    const objectPath = voicePath(user, 'missing');
    expect(await media.stat(objectPath)).toBeNull();
    await expect(media.delete(objectPath)).resolves.toBeUndefined();
    const error = await media.download(objectPath, path.join(tempDir(), 'x')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(classifyError(error)).toMatchObject({ kind: 'permanent', code: 'not-found' });
  });

  it('an uploaded file: its download URL has the app’s form and serves the bytes, stat agrees, download gives them back', async () => {
    const user = uniqueUserId(`file-${sdk}`);
    const media = openStore(sdk, user);
    const local = path.join(tempDir(), 'memo.m4a');
    const size = generateAudio(local, 21, 40);
    const sha = await sha256File(local);
    const objectPath = voicePath(user, 'v1');

    const stored = await media.uploadFile(objectPath, local, 'audio/mp4', sha);
    expect(stored).toMatchObject({ sha256: sha, size });
    expect(stored.downloadUrl).toMatch(urlPattern(objectPath));
    expect((await fetchBytes(stored.downloadUrl)).equals(fs.readFileSync(local))).toBe(true);
    expect(await media.stat(objectPath)).toEqual(stored);

    const copy = path.join(tempDir(), 'copy.m4a');
    await media.download(objectPath, copy);
    expect(await sha256File(copy)).toBe(sha);
  });

  it('the object carries its content type, its SHA-256 and a download token in custom metadata, as the admin store writes them', async () => {
    const user = uniqueUserId(`meta-${sdk}`);
    const media = openStore(sdk, user);
    const bytes = Buffer.from('a small jpeg stand-in');
    const objectPath = thumbnailPath(user, 'p1');
    const stored = await media.uploadBuffer(objectPath, bytes, 'image/jpeg', sha256Buffer(bytes));
    const raw = await rawObject(objectPath);
    expect(raw).toMatchObject({ contentType: 'image/jpeg', size: bytes.length });
    expect(raw.custom.sha256).toBe(sha256Buffer(bytes));
    expect(stored.downloadUrl).toContain(`token=${raw.custom.firebaseStorageDownloadTokens}`);
  });

  it('an upload without a well-formed SHA-256 is refused before anything is written (every object carries its checksum)', async () => {
    const user = uniqueUserId(`nosha-${sdk}`);
    const media = openStore(sdk, user);
    const bytes = Buffer.from('no checksum');
    const local = path.join(tempDir(), 'nosha.jpg');
    fs.writeFileSync(local, bytes);
    for (const bad of ['', 'abc', sha256Buffer(bytes).toUpperCase(), `${sha256Buffer(bytes)}0`]) {
      await expect(
        media.uploadBuffer(photoPath(user, 'p0'), bytes, 'image/jpeg', bad),
      ).rejects.toThrow(/SHA-256/);
      await expect(
        media.uploadFile(photoPath(user, 'p0'), local, 'image/jpeg', bad),
      ).rejects.toThrow(/SHA-256/);
    }
    expect(await media.stat(photoPath(user, 'p0'))).toBeNull();
  });

  it('uploading again at the same path replaces the bytes and the checksum; delete removes the object', async () => {
    const user = uniqueUserId(`replace-${sdk}`);
    const media = openStore(sdk, user);
    const objectPath = photoPath(user, 'p2');
    const first = Buffer.from('first version');
    const second = Buffer.from('second, longer version');
    await media.uploadBuffer(objectPath, first, 'image/jpeg', sha256Buffer(first));
    const again = await media.uploadBuffer(objectPath, second, 'image/jpeg', sha256Buffer(second));
    expect(await media.stat(objectPath)).toMatchObject({
      sha256: sha256Buffer(second),
      size: second.length,
    });
    expect((await fetchBytes(again.downloadUrl)).equals(second)).toBe(true);
    await media.delete(objectPath);
    expect(await media.stat(objectPath)).toBeNull();
  });

  describe('through a fault proxy', () => {
    let proxy: FaultProxy | null = null;
    afterEach(async () => {
      await proxy?.close();
      proxy = null;
    });
    const startProxy = async () => {
      proxy = await FaultProxy.start({ target: testEndpoints().storage, random: () => 0.5 });
      return proxy;
    };

    it('download URLs name the public endpoint, not the proxy the device talks through', async () => {
      const user = uniqueUserId(`proxy-${sdk}`);
      const p = await startProxy();
      const publicEndpoint = `http://${testEndpoints().storage}`;
      const media = openStore(sdk, user, { storage: p.endpoint, publicEndpoint });
      const bytes = Buffer.from('behind a proxy');
      const objectPath = voicePath(user, 'v2');
      const stored = await media.uploadBuffer(objectPath, bytes, 'audio/mp4', sha256Buffer(bytes));
      expect(stored.downloadUrl).toMatch(urlPattern(objectPath, publicEndpoint));
      expect((await media.stat(objectPath))?.downloadUrl).toBe(stored.downloadUrl);
      expect(p.stats.connections).toBeGreaterThan(0);
    });

    it('a black-holed network makes a call fail, retryable, instead of hanging', async () => {
      const user = uniqueUserId(`hole-${sdk}`);
      const p = await startProxy();
      const media = openStore(sdk, user, { storage: p.endpoint, timeoutMs: 1_000 });
      await p.setMode('blackhole');
      const bytes = Buffer.from('into the void');
      const results = await Promise.allSettled([
        media.stat(voicePath(user, 'v3')),
        media.uploadBuffer(voicePath(user, 'v3'), bytes, 'audio/mp4', sha256Buffer(bytes)),
      ]);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const reason = (result as PromiseRejectedResult).reason;
        expect(classifyError(reason).kind).toBe('retryable');
      }
    });

    it('a refused connection fails on the first attempt: the engine retries and counts, not the SDK', async () => {
      const user = uniqueUserId(`refuse-${sdk}`);
      const p = await startProxy();
      // A deadline far beyond one attempt: a call that fails before it failed by itself.
      const media = openStore(sdk, user, { storage: p.endpoint, timeoutMs: 45_000 });
      await p.setMode('refuse');
      const error = await media.stat(voicePath(user, 'v4')).then(
        () => null,
        (e: unknown) => e,
      );
      expect(String((error as Error).message)).not.toMatch(/DEADLINE_EXCEEDED/);
      expect(classifyError(error).kind).toBe('retryable');
    });
  });
});

describe.each([
  ['client', 'admin'],
  ['admin', 'client'],
] as const)('objects uploaded through the %s SDK, read through the %s SDK', (writer, reader) => {
  const tempDir = useTempDir();
  const openStore = useMediaStores();

  it('stat, URL and download agree on the bytes, size and checksum', async () => {
    const user = uniqueUserId(`${writer}-${reader}`);
    const up = openStore(writer, user);
    const down = openStore(reader, user);
    const local = path.join(tempDir(), 'v.m4a');
    const size = generateAudio(local, 33, 60);
    const sha = await sha256File(local);
    const objectPath = voicePath(user, 'shared');
    const stored = await up.uploadFile(objectPath, local, 'audio/mp4', sha);

    const seen = await down.stat(objectPath);
    expect(seen).toEqual({ sha256: sha, size, downloadUrl: stored.downloadUrl });
    const copy = path.join(tempDir(), 'copy.m4a');
    await down.download(objectPath, copy);
    expect(await sha256File(copy)).toBe(sha);
    await down.delete(objectPath);
    expect(await up.stat(objectPath)).toBeNull();
  });
});

describe('the client SDK and storage.rules here', () => {
  const openStore = useMediaStores();

  // The test run's Storage emulator enforces storage.rules where the rules runtime JAR is present
  // (src/emulators/storage-rules-runtime.ts) and is open where it is not (this machine).
  it(`a client signed in as one user writing into another user’s folder: ${inject('storageRules') === 'enforced' ? 'denied (rules enforced)' : 'allowed (rules open: no runtime JAR)'}`, async () => {
    const owner = uniqueUserId('owner');
    const stranger = openStore('client', uniqueUserId('stranger'));
    const bytes = Buffer.from('not yours');
    const objectPath = voicePath(owner, 'intruder');
    const attempt = stranger.uploadBuffer(objectPath, bytes, 'audio/mp4', sha256Buffer(bytes));
    if (inject('storageRules') === 'enforced') {
      await expect(attempt).rejects.toMatchObject({ code: 'storage/unauthorized' });
    } else {
      await attempt;
      expect((await rawObject(objectPath)).size).toBe(bytes.length);
    }
  });
});
