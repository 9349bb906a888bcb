import path from 'node:path';
import { schemaMigrations } from '@nozbe/watermelondb/Schema/migrations';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { openDatabase } from '../../src/db/open-database';
import { rawOf } from '../../src/db/raw-update';
import { schemaV1 } from '../../src/db/schema';
import { DATA_TABLES } from '../../src/db/schema-current';
import { uniqueUserId } from '../helpers/backend';
import { openDevice } from '../helpers/device';
import { statusesOf } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

describe.each(['sqlite', 'loki'] as const)('schema v1 → v2 on %s', (adapter) => {
  const tempDir = useTempDir();

  it('a v1 database with pending records upgrades with nothing lost, and its records then sync', async () => {
    const file = path.join(tempDir(), adapter === 'sqlite' ? 'd1.db' : 'd1.loki.json');
    const url = `${adapter}:${file}`;
    const user = uniqueUserId('mig');
    // A phone's database as the app ships it today: schema v1, records pending, a queue row.
    const v1 = await openDatabase(url, {
      schema: schemaV1,
      migrations: schemaMigrations({ migrations: [] }),
    });
    const ids: string[] = [];
    await v1.database.write(async () => {
      for (const table of DATA_TABLES) {
        const record = await v1.database.get(table).create((r) => {
          Object.assign(rawOf(r), V1_ROWS(user)[table], { sync_status: 'pending' });
        });
        ids.push(record.id);
      }
    });
    const before = await Promise.all(
      DATA_TABLES.map(async (t) => rawOf((await v1.database.get(t).query().fetch())[0])),
    );
    await v1.close();

    const v2 = await openDatabase(url);
    try {
      for (const [i, table] of DATA_TABLES.entries()) {
        const after = rawOf(await v2.database.get(table).find(ids[i]));
        const { remote_version, ...rest } = after;
        expect(remote_version).toBeNull();
        expect(rest).toEqual(before[i]);
      }
    } finally {
      await v2.close();
    }

    // The upgraded device syncs its v1 records (adopted from sync_status = pending).
    const device = await openDevice({
      userId: user,
      deviceId: 'd1',
      adapter,
      dir: path.dirname(file),
      clock: new VirtualClock(),
    });
    try {
      const result = await device.sync.syncAll();
      expect(result.pushed).toBe(DATA_TABLES.length);
      for (const table of DATA_TABLES)
        expect(Object.values(await statusesOf(device, table))).toEqual(['synced']);
    } finally {
      await device.close();
    }
  });
});

const V1_ROWS = (user: string): Record<string, Record<string, unknown>> => ({
  health_data: {
    user_id: user,
    data_type: 'weight',
    value: 71.3,
    unit: 'kg',
    source: 'scale',
    recorded_at: 1,
  },
  location_data: {
    user_id: user,
    latitude: 48.1,
    longitude: 11.5,
    accuracy: 10,
    is_visit: true,
    recorded_at: 2,
  },
  voice_notes: {
    user_id: user,
    audio_uri: '/a.m4a',
    duration: 3,
    mime_type: 'audio/mp4',
    transcription_status: 'none',
    recorded_at: 3,
  },
  text_notes: { user_id: user, type: 'diary', content: 'v1 entry' },
  photo_memories: { user_id: user, local_uri: '/p.jpg', taken_at: 4 },
});
