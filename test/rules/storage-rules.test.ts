import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSafeId, MAX_ID_LENGTH } from '../../src/core/ids';
import { photoPath, thumbnailPath, voicePath } from '../../src/files/media-paths';
import type { MediaStore } from '../../src/files/media-store';
import {
  STORAGE_MEDIA,
  type StorageMediaKind,
  storageKindOf,
  storageSizeProblem,
  storageWriteProblem,
  voiceContentType,
} from '../../src/files/storage-limits';
import { makeThumbnail } from '../../src/files/thumbnail';
import { RULES_FILES } from '../../src/rules/generate-rules';
import { generateAudio, generatePhoto } from '../../src/simulate/media-generator';
import { uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { statusesOf } from '../helpers/inspect';
import { SDKS } from '../helpers/media-stores';
import { useTempDir } from '../helpers/temp-dir';

/**
 * storage.rules is evaluated only where the rules runtime JAR is present (test/emulators/
 * storage-rules.test.ts runs it there; these machines cannot download it). What the rules rely on is tested instead:
 * media paths always sit under users/{uid}/ in one of the three matched folders with a safe
 * record id, unsafe ids never become paths, and every object the uploader sends (its path,
 * content type and size) passes storageWriteProblem(), the JavaScript twin of the rules, which
 * is generated from the same table (src/files/storage-limits.ts).
 */

const safeId = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/).filter(isSafeId);
const PATHS: Array<[StorageMediaKind, (uid: string, id: string) => string, string]> = [
  ['voice', voicePath, 'audio/mp4'],
  ['photo', photoPath, 'image/jpeg'],
  ['thumbnail', thumbnailPath, 'image/jpeg'],
];

describe('storage.rules path logic', () => {
  it('every media path is users/{uid}/<folder>/{id}.<ext> for its owner, and only its owner may write it', () => {
    fc.assert(
      fc.property(safeId, safeId, safeId, (uid, id, stranger) => {
        fc.pre(uid !== stranger);
        for (const [kind, pathOf, contentType] of PATHS) {
          const p = pathOf(uid, id);
          expect(p.startsWith(`users/${uid}/`)).toBe(true);
          expect(storageKindOf(p)).toEqual({
            kind,
            uid,
            file: `${id}.${STORAGE_MEDIA[kind].extension}`,
          });
          expect(storageWriteProblem(uid, p, contentType, 1)).toBeNull();
          expect(storageWriteProblem(stranger, p, contentType, 1)).toMatch(/another user/);
          expect(storageWriteProblem(null, p, contentType, 1)).toMatch(/not signed in/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('unsafe user or record ids never become a path', () => {
    const unsafe = [
      '',
      '..',
      '../other-user',
      'a/b',
      'a..b',
      '.hidden',
      'with space',
      'x'.repeat(MAX_ID_LENGTH + 1),
      'ünïcode',
      'a%2Fb',
    ];
    for (const [, pathOf] of PATHS) {
      for (const bad of unsafe) {
        expect(() => pathOf(bad, 'record1'), `uid ${bad}`).toThrow(/not allowed/);
        expect(() => pathOf('user1', bad), `record ${bad}`).toThrow(/not allowed/);
      }
    }
  });

  it('paths outside the three media folders, or with a bad file name, match no allow rule', () => {
    const denied: Array<[string, RegExp]> = [
      ['users/u1/notes/n1.txt', /no rule matches/],
      ['users/u1/photos/thumbnails/deeper/p1.jpg', /no rule matches/],
      ['users/u1/voice/sub/v1.m4a', /no rule matches/],
      ['public/p1.jpg', /no rule matches/],
      ['users/u1', /no rule matches/],
      ['users/u1/voice/v1.mp3', /file name/],
      ['users/u1/photos/p1.png', /file name/],
      ['users/u1/voice/.v1.m4a', /file name/],
      ['users/u1/photos/a..b.jpg', /".."/],
      ['users/u1/voice/x'.concat('y'.repeat(MAX_ID_LENGTH), '.m4a'), /file name/],
    ];
    for (const [p, why] of denied) {
      const kind = storageKindOf(p);
      const contentType = kind?.kind === 'voice' ? 'audio/mp4' : 'image/jpeg';
      expect(storageWriteProblem('u1', p, contentType, 1), p).toMatch(why);
    }
    // A record id ending in "." is safe; its file name has ".." only before the extension.
    expect(storageWriteProblem('u1', photoPath('u1', 'p1.'), 'image/jpeg', 1)).toBeNull();
  });

  it('content types: what the uploader sends is allowed, anything else for the kind is not', () => {
    expect(voiceContentType(null)).toBe('audio/mp4');
    expect(voiceContentType('')).toBe('audio/mp4');
    for (const ok of ['audio/mp4', 'audio/m4a', 'audio/x-m4a', 'audio/aac', 'Audio/MP4'])
      expect(voiceContentType(ok), ok).toBe(ok.toLowerCase());
    for (const bad of ['audio/mpeg', 'video/mp4', 'text/html', 'audio/mp4; x=1', 'audio/mp4x'])
      expect(voiceContentType(bad), bad).toBeNull();
    const p = (kind: StorageMediaKind) => PATHS.find(([k]) => k === kind)![1]('u1', 'r1');
    expect(storageWriteProblem('u1', p('voice'), 'image/jpeg', 1)).toMatch(/content type/);
    expect(storageWriteProblem('u1', p('photo'), 'image/png', 1)).toMatch(/content type/);
    expect(storageWriteProblem('u1', p('thumbnail'), 'text/html', 1)).toMatch(/content type/);
  });

  it('sizes: each kind at its limit is allowed, one byte over and empty are not', () => {
    for (const kind of Object.keys(STORAGE_MEDIA) as StorageMediaKind[]) {
      const { maxBytes } = STORAGE_MEDIA[kind];
      expect(storageSizeProblem(kind, maxBytes)).toBeNull();
      expect(storageSizeProblem(kind, 1)).toBeNull();
      expect(storageSizeProblem(kind, maxBytes + 1)).toMatch(/over the/);
      expect(storageSizeProblem(kind, 0)).toMatch(/empty/);
    }
  });

  it('storage.rules states the same folders, types and bounds as the table', () => {
    const rules = fs.readFileSync(RULES_FILES.storage, 'utf8');
    for (const media of Object.values(STORAGE_MEDIA)) {
      expect(rules).toContain(`match /users/{uid}/${media.folder}/{file} {`);
      expect(rules).toContain(`request.resource.size <= ${media.maxBytes}`);
      expect(rules).toContain(`request.resource.contentType.matches('${media.contentType}')`);
    }
    expect(rules).toContain('request.auth.uid == uid');
  });

  it('a thumbnail of a 12-megapixel photo fits the thumbnail bound with room to spare', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thumb-'));
    try {
      const photo = path.join(dir, 'big.jpg');
      await generatePhoto(photo, 3, { width: 4000, height: 3000 });
      const thumbnail = await makeThumbnail(photo);
      expect(thumbnail.length).toBeLessThan(STORAGE_MEDIA.thumbnail.maxBytes / 10);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(SDKS)('the uploader sends only what storage.rules allows, %s SDK', (sdk) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite', sdk });

  it('every upload of a sync fits the rules for the owner; a voice note of a refused type or an oversized file is parked with a clear message', async () => {
    const user = uniqueUserId('storage');
    const sent: Array<{ path: string; contentType: string; bytes: number }> = [];
    const watch = (media: MediaStore): MediaStore => ({
      stat: (p) => media.stat(p),
      download: (p, f) => media.download(p, f),
      delete: (p) => media.delete(p),
      async uploadFile(p, file, contentType, sha) {
        sent.push({ path: p, contentType, bytes: fs.statSync(file).size });
        return media.uploadFile(p, file, contentType, sha);
      },
      async uploadBuffer(p, bytes, contentType, sha) {
        sent.push({ path: p, contentType, bytes: bytes.length });
        return media.uploadBuffer(p, bytes, contentType, sha);
      },
    });
    const a = await device(user, 'phone', { withMedia: watch });
    try {
      const files = path.join(tempDir(), 'files');
      const audio = (name: string) => {
        const file = path.join(files, name);
        generateAudio(file, 1, 3);
        return `file://${file}`;
      };
      const photo = path.join(files, 'photo.jpg');
      await generatePhoto(photo, 2, { width: 800, height: 600 });
      const huge = path.join(files, 'huge.m4a');
      fs.writeFileSync(huge, '');
      fs.truncateSync(huge, STORAGE_MEDIA.voice.maxBytes + 1); // sparse: no disk used
      const voice = (uri: string, mime_type: string) => ({
        audio_uri: uri,
        duration: 3,
        mime_type,
        transcription_status: 'pending',
        recorded_at: 1,
      });
      const [plain, xm4a, , wrongType, tooBig] = await a.sync.store.create('voice_notes', [
        voice(audio('a.m4a'), 'audio/mp4'),
        voice(audio('b.m4a'), 'audio/x-m4a'),
        voice(audio('c.m4a'), ''),
        voice(audio('d.m4a'), 'video/webm'),
        voice(`file://${huge}`, 'audio/mp4'),
      ]);
      const [picture] = await a.sync.store.create('photo_memories', [
        { local_uri: `file://${photo}`, taken_at: 1 },
      ]);
      const result = await a.sync.syncAll();

      expect(sent.length).toBe(5); // three voice notes, one photo and its thumbnail
      for (const upload of sent) {
        expect(storageWriteProblem(user, upload.path, upload.contentType, upload.bytes)).toBeNull();
      }
      expect(sent.find((u) => u.path === voicePath(user, xm4a))?.contentType).toBe('audio/x-m4a');
      expect(sent.map((u) => u.path)).toContain(thumbnailPath(user, picture));
      const statuses = await statusesOf(a, 'voice_notes');
      expect(statuses[plain]).toBe('synced');
      expect(statuses[wrongType]).toBe('error');
      expect(statuses[tooBig]).toBe('error');
      const messages = Object.fromEntries(result.errors.map((e) => [e.documentId, e.error]));
      expect(messages[wrongType]).toMatch(/mime_type is not a type Storage accepts/);
      expect(messages[tooBig]).toMatch(/over the voice limit of 104,857,600 bytes/);
    } finally {
      await closeAll();
    }
  });
});
