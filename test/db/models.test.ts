import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Model } from '@nozbe/watermelondb';
import { describe, expect, it } from 'vitest';
import type {
  HealthData,
  PhotoMemory,
  SyncQueueItem,
  TextNote,
  VoiceNote,
} from '../../src/db/models';
import { openDatabase } from '../../src/db/open-database';
import { useTempDir } from '../helpers/temp-dir';

// For every table: model property -> value, covering each column. Dates are Date objects on the
// model and milliseconds in the raw record; `full` sets every optional column, `sparse` leaves
// every optional column null.
const at = (ms: number) => new Date(ms);
const FIXTURES: Record<string, { full: Record<string, unknown>; sparse: Record<string, unknown> }> =
  {
    health_data: {
      full: {
        userId: 'user-a',
        dataType: 'heart_rate',
        value: 72.5,
        unit: 'bpm',
        source: 'watch',
        metadata: '{"device":"w1","resting":true}',
        recordedAt: at(1_700_000_000_123),
        updatedAt: at(1_700_000_000_456),
        syncState: 'pending',
        syncedAt: at(1_700_000_000_789),
        embeddingId: 'emb-1',
      },
      sparse: {
        userId: 'user-a',
        dataType: 'steps',
        value: 0,
        unit: 'count',
        source: 'phone',
        metadata: null,
        recordedAt: at(1),
        updatedAt: at(2),
        syncState: 'synced',
        syncedAt: null,
        embeddingId: null,
      },
    },
    location_data: {
      full: {
        userId: 'user-a',
        latitude: 52.520008,
        longitude: -13.404954,
        accuracy: 4.5,
        altitude: -12.25,
        speed: 1.4,
        heading: 359.9,
        address: 'Unter den Linden 1',
        placeName: 'Café',
        placeType: 'cafe',
        activityType: 'walking',
        visitDuration: 3600,
        isVisit: true,
        recordedAt: at(1_700_000_001_000),
        updatedAt: at(1_700_000_001_001),
        syncState: 'error',
        syncedAt: at(1_700_000_001_002),
        embeddingId: 'e',
      },
      sparse: {
        userId: 'user-a',
        latitude: 0,
        longitude: 0,
        accuracy: 0,
        altitude: null,
        speed: null,
        heading: null,
        address: null,
        placeName: null,
        placeType: null,
        activityType: null,
        visitDuration: null,
        isVisit: null,
        recordedAt: at(3),
        updatedAt: at(4),
        syncState: 'pending',
        syncedAt: null,
        embeddingId: null,
      },
    },
    voice_notes: {
      full: {
        userId: 'user-a',
        audioUri: 'file:///a/b.m4a',
        audioUrl: 'http://127.0.0.1/x',
        duration: 61.25,
        mimeType: 'audio/mp4',
        transcription: 'héllo “world” 🎙️',
        transcriptionStatus: 'done',
        title: 'Memo',
        tagsJson: '["work","idea"]',
        recordedAt: at(1_700_000_002_000),
        updatedAt: at(1_700_000_002_001),
        syncState: 'syncing',
        syncedAt: at(1_700_000_002_002),
        embeddingId: 'e2',
      },
      sparse: {
        userId: 'user-a',
        audioUri: '',
        audioUrl: null,
        duration: 0,
        mimeType: 'audio/mp4',
        transcription: null,
        transcriptionStatus: 'pending',
        title: null,
        tagsJson: null,
        recordedAt: at(5),
        updatedAt: at(6),
        syncState: 'pending',
        syncedAt: null,
        embeddingId: null,
      },
    },
    text_notes: {
      full: {
        userId: 'user-a',
        type: 'diary',
        title: 'Day',
        content: 'Line 1\nLine 2\t"quoted"',
        tagsJson: '["a"]',
        mood: 'calm',
        updatedAt: at(1_700_000_003_001),
        syncState: 'synced',
        syncedAt: at(1_700_000_003_002),
        embeddingId: 'e3',
      },
      sparse: {
        userId: 'user-a',
        type: 'thought',
        title: null,
        content: '',
        tagsJson: null,
        mood: null,
        updatedAt: at(7),
        syncState: 'pending',
        syncedAt: null,
        embeddingId: null,
      },
    },
    photo_memories: {
      full: {
        userId: 'user-a',
        localUri: '/photos/p.jpg',
        storageUrl: 'http://s/p.jpg',
        thumbnailUrl: 'http://s/t.jpg',
        caption: 'Sunset',
        aiDescription: 'A red sky',
        tagsJson: '["sky","red"]',
        latitude: -33.86,
        longitude: 151.21,
        takenAt: at(1_700_000_004_000),
        updatedAt: at(1_700_000_004_001),
        syncState: 'pending',
        syncedAt: at(1_700_000_004_002),
        embeddingId: 'e4',
      },
      sparse: {
        userId: 'user-a',
        localUri: '/p2.jpg',
        storageUrl: null,
        thumbnailUrl: null,
        caption: null,
        aiDescription: null,
        tagsJson: null,
        latitude: null,
        longitude: null,
        takenAt: at(8),
        updatedAt: at(9),
        syncState: 'pending',
        syncedAt: null,
        embeddingId: null,
      },
    },
    sync_queue: {
      full: {
        collectionName: 'text_notes',
        documentId: 'doc-1',
        operation: 'update',
        data: '{"fields":["title"]}',
        attempts: 3,
        lastError: 'unavailable: try later',
        scheduledAt: at(1_700_000_005_000),
      },
      sparse: {
        collectionName: 'health_data',
        documentId: 'doc-2',
        operation: 'create',
        data: '{}',
        attempts: 0,
        lastError: null,
        scheduledAt: at(10),
      },
    },
  };

const ADAPTERS = [
  ['sqlite', (dir: string) => `sqlite:${path.join(dir, 'device.db')}`],
  ['loki (file)', (dir: string) => `loki:${path.join(dir, 'device.loki.json')}`],
] as const;

function readBack(record: Model, props: Record<string, unknown>) {
  return Object.fromEntries(
    Object.keys(props).map((p) => [p, (record as unknown as Record<string, unknown>)[p]]),
  );
}

describe.each(ADAPTERS)('models on %s', (_name, urlFor) => {
  const tempDir = useTempDir();

  it.each(Object.keys(FIXTURES))(
    'every column of %s round-trips, full and sparse, across a reopen',
    async (table) => {
      const url = urlFor(tempDir());
      const ids: Record<string, string> = {};
      let db = await openDatabase(url);
      await db.database.write(async () => {
        for (const variant of ['full', 'sparse'] as const) {
          const record = await db.database
            .get(table)
            .create((r) => Object.assign(r, FIXTURES[table][variant]));
          ids[variant] = record.id;
        }
      });
      await db.close();

      db = await openDatabase(url);
      try {
        for (const variant of ['full', 'sparse'] as const) {
          const record = await db.database.get(table).find(ids[variant]);
          expect(readBack(record, FIXTURES[table][variant])).toEqual(FIXTURES[table][variant]);
          // @readonly created_at was set by WatermelonDB on create and survives too.
          expect((record as unknown as { createdAt: Date }).createdAt).toBeInstanceOf(Date);
        }
      } finally {
        await db.close();
      }
    },
  );

  it('JSON helpers parse tags and metadata, and read malformed JSON as empty', async () => {
    const db = await openDatabase(urlFor(tempDir()));
    try {
      await db.database.write(async () => {
        await db.database
          .get<HealthData>('health_data')
          .create((r) => Object.assign(r, FIXTURES.health_data.full));
        await db.database
          .get<VoiceNote>('voice_notes')
          .create((r) => Object.assign(r, FIXTURES.voice_notes.full));
        await db.database
          .get<TextNote>('text_notes')
          .create((r) => Object.assign(r, { ...FIXTURES.text_notes.full, tagsJson: '{oops' }));
        await db.database
          .get<PhotoMemory>('photo_memories')
          .create((r) => Object.assign(r, FIXTURES.photo_memories.sparse));
        await db.database
          .get<SyncQueueItem>('sync_queue')
          .create((r) => Object.assign(r, FIXTURES.sync_queue.full));
      });
      const [health] = await db.database.get<HealthData>('health_data').query().fetch();
      expect(health.getMetadata()).toEqual({ device: 'w1', resting: true });
      const [voice] = await db.database.get<VoiceNote>('voice_notes').query().fetch();
      expect(voice.tags).toEqual(['work', 'idea']);
      const [text] = await db.database.get<TextNote>('text_notes').query().fetch();
      expect(text.tags).toEqual([]);
      const [photo] = await db.database.get<PhotoMemory>('photo_memories').query().fetch();
      expect(photo.tags).toEqual([]);
      const [queued] = await db.database.get<SyncQueueItem>('sync_queue').query().fetch();
      expect(queued.getData()).toEqual({ fields: ['title'] });
    } finally {
      await db.close();
    }
  });
});

describe('loki:memory', () => {
  // A file database autosaves on a timer that close() must clear; check that case as well.
  const tempDir = useTempDir();
  it('a Loki file database leaves no timer behind once closed', async () => {
    const fixture = path.join(__dirname, '..', 'fixtures', 'loki-file-close.ts');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fixture, path.join(tempDir(), 'x.loki.json')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // A timer left behind would keep the process alive past the test's timeout.
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ armed: true, leftAfterClose: 0 });
  });

  it('stores and reads a record, and closing it leaves no timer keeping Node alive', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const db = await openDatabase('loki:memory');
    const created = await db.database.write(() =>
      db.database
        .get<HealthData>('health_data')
        .create((r) => Object.assign(r, FIXTURES.health_data.full)),
    );
    const found = await db.database.get<HealthData>('health_data').find(created.id);
    expect(found.value).toBe(72.5);
    await db.close();
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
