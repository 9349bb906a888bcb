import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { narrowUpdate } from '../../src/db/narrow-update';
import { openDatabase } from '../../src/db/open-database';
import { rawOf } from '../../src/db/raw-update';
import { useTempDir } from '../helpers/temp-dir';

describe.each(['sqlite', 'loki'] as const)('narrowUpdate on %s', (adapter) => {
  const tempDir = useTempDir();

  it('writes only the given columns, keeps the cached records equal to the database, and leaves updated_at alone', async () => {
    const url = `${adapter}:${path.join(tempDir(), adapter === 'sqlite' ? 'n.db' : 'n.loki.json')}`;
    let db = await openDatabase(url);
    const created = await db.database.write(() =>
      db.database.get('health_data').create((r) => {
        Object.assign(rawOf(r), {
          user_id: 'u',
          data_type: 'steps',
          value: 5,
          unit: 'count',
          source: 'phone',
          recorded_at: 1,
          created_at: 10,
          updated_at: 20,
          sync_status: 'pending',
        });
      }),
    );
    await db.database.write(() =>
      narrowUpdate(db.database, 'health_data', [
        {
          record: created,
          patch: { sync_status: 'synced', synced_at: 30, remote_version: '000000000001.000000001' },
        },
      ]),
    );
    const cached = rawOf(await db.database.get('health_data').find(created.id));
    expect(cached).toMatchObject({
      sync_status: 'synced',
      synced_at: 30,
      remote_version: '000000000001.000000001',
      updated_at: 20,
      value: 5,
    });
    await db.close();
    db = await openDatabase(url);
    try {
      const stored = rawOf(await db.database.get('health_data').find(created.id));
      expect(stored).toMatchObject({
        sync_status: 'synced',
        synced_at: 30,
        remote_version: '000000000001.000000001',
        updated_at: 20,
        value: 5,
      });
    } finally {
      await db.close();
    }
  });
});
