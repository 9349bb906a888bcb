import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database';
import { rawOf } from '../../src/db/raw-update';
import { publicRecordAccess, type RecordAccess } from '../../src/db/record-access';
import { recordAccessFor, sqliteFastPath } from '../../src/db/sqlite-fast-path';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The record access port (src/db/record-access.ts): the public WatermelonDB API and the SQLite
 * fast path must give the same answers; only the fast path may touch private APIs.
 */
const VARIANTS: Array<[string, 'sqlite' | 'loki', RecordAccess]> = [
  ['the public API on SQLite', 'sqlite', publicRecordAccess],
  ['the SQLite fast path', 'sqlite', sqliteFastPath],
  ['the public API on LokiJS', 'loki', publicRecordAccess],
];

function healthRow(id: string, value: number) {
  return {
    id,
    user_id: 'u',
    data_type: 'steps',
    value,
    unit: 'count',
    source: 'phone',
    recorded_at: 1,
    created_at: 10,
    updated_at: 20,
    sync_status: 'pending',
  };
}

describe('choosing the record access', () => {
  const tempDir = useTempDir();

  it('wiring gives SQLite databases the fast path and LokiJS ones the public API', async () => {
    const sqlite = await openDatabase(`sqlite:${path.join(tempDir(), 'a.db')}`);
    const loki = await openDatabase('loki:memory');
    try {
      expect(recordAccessFor(sqlite.database).name).toBe('sqlite-fast-path');
      expect(recordAccessFor(loki.database).name).toBe('public');
    } finally {
      await sqlite.close();
      await loki.close();
    }
  });
});

describe.each(VARIANTS)('record access: %s', (_name, adapter, access) => {
  const tempDir = useTempDir();
  const urlOf = (file: string) =>
    `${adapter}:${path.join(tempDir(), adapter === 'sqlite' ? `${file}.db` : `${file}.loki.json`)}`;

  it('finds records by id whether or not they are in memory, and leaves out ids that do not exist', async () => {
    const url = urlOf('find');
    let db = await openDatabase(url);
    const ids = Array.from({ length: 1000 }, (_, i) => `h${i}`);
    await db.database.write(() =>
      db.database.batch(
        ids.map((id, i) =>
          db.database.get('health_data').prepareCreateFromDirtyRaw(healthRow(id, i)),
        ),
      ),
    );
    const warm = await access.findByIds(db.database, 'health_data', ['h3', 'nope', 'h999']);
    expect([...warm.keys()].sort()).toEqual(['h3', 'h999']);
    await db.close();
    db = await openDatabase(url); // nothing cached: every id is read from the database
    try {
      const cold = await access.findByIds(db.database, 'health_data', [...ids, 'missing']);
      expect(cold.size).toBe(1000);
      expect(rawOf(cold.get('h7')!).value).toBe(7);
      // The same instances WatermelonDB hands out: later writes through them stay consistent.
      expect(cold.get('h7')).toBe(await db.database.get('health_data').find('h7'));
      // Ids with quotes and JSON's own characters are ids like any other (the fast path binds
      // the ids as one JSON array); a record marked deleted is not found, as WatermelonDB's
      // queries leave it out.
      const odd = [`it's`, 'a"b', 'c\\d', '[1]'];
      await db.database.write(async () => {
        await db.database.batch(
          odd.map((id, i) =>
            db.database.get('health_data').prepareCreateFromDirtyRaw(healthRow(id, i)),
          ),
        );
        await cold.get('h8')!.markAsDeleted();
      });
      await db.close();
      db = await openDatabase(url);
      const again = await access.findByIds(db.database, 'health_data', [...odd, 'h8', 'h9']);
      expect([...again.keys()].sort()).toEqual([...odd, 'h9'].sort());
    } finally {
      await db.close();
    }
  });

  it('writes only the given bookkeeping columns, keeps updated_at, and the write survives a reopen', async () => {
    const url = urlOf('narrow');
    let db = await openDatabase(url);
    const created = await db.database.write(async () => {
      const record = db.database.get('health_data').prepareCreateFromDirtyRaw(healthRow('n1', 5));
      await db.database.batch([record]);
      return record;
    });
    const patch = {
      sync_status: 'synced',
      synced_at: 30,
      remote_version: '000000000001.000000001',
    };
    await db.database.write(() =>
      access.narrowUpdate(db.database, 'health_data', [{ record: created, patch }]),
    );
    const expected = { ...patch, updated_at: 20, value: 5 };
    expect(rawOf(await db.database.get('health_data').find('n1'))).toMatchObject(expected);
    await db.close();
    db = await openDatabase(url);
    try {
      expect(rawOf(await db.database.get('health_data').find('n1'))).toMatchObject(expected);
    } finally {
      await db.close();
    }
  });

  it('offers plain-row inserts, plain-row deletes and raw SQL queries only on the SQLite fast path', () => {
    const fast = access.name === 'sqlite-fast-path';
    expect(access.insertRows !== null).toBe(fast);
    expect(access.deleteRows !== null).toBe(fast);
    expect(access.sqlQueries).toBe(fast);
  });

  it('writes one patch to records by id, in memory and on disk, skipping ids that do not exist', async () => {
    const url = urlOf('by-ids');
    let db = await openDatabase(url);
    const ids = Array.from({ length: 900 }, (_, i) => `b${i}`);
    const created = await db.database.write(async () => {
      const records = ids.map((id, i) =>
        db.database.get('health_data').prepareCreateFromDirtyRaw(healthRow(id, i)),
      );
      await db.database.batch(records);
      return records;
    });
    await db.database.write(() =>
      access.updateByIds(db.database, 'health_data', [...ids.slice(0, 850), 'missing'], {
        sync_status: 'syncing',
      }),
    );
    // The records WatermelonDB already handed out see the write (its cache stays the database).
    expect(rawOf(created[849])).toMatchObject({ sync_status: 'syncing', updated_at: 20 });
    expect(rawOf(created[850]).sync_status).toBe('pending');
    await db.close();
    db = await openDatabase(url);
    try {
      const found = await access.findByIds(db.database, 'health_data', ids);
      const statuses = ids.map((id) => rawOf(found.get(id)!).sync_status);
      expect(statuses.filter((s) => s === 'syncing')).toHaveLength(850);
      expect(statuses.slice(850).every((s) => s === 'pending')).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('deletes rows by id so that no lookup finds them, and a row made again with the same id is found', async () => {
    if (!access.deleteRows) return;
    const db = await openDatabase(urlOf('delete'));
    try {
      const collection = db.database.get('health_data');
      await db.database.write(() =>
        db.database.batch(
          ['d1', 'd2', 'd3'].map((id, i) => collection.prepareCreateFromDirtyRaw(healthRow(id, i))),
        ),
      );
      await db.database.write(() => access.deleteRows!(db.database, 'health_data', ['d1', 'd3']));
      expect([
        ...(await access.findByIds(db.database, 'health_data', ['d1', 'd2', 'd3'])).keys(),
      ]).toEqual(['d2']);
      expect(await collection.query().fetchCount()).toBe(1);
      await expect(collection.find('d1')).rejects.toThrow(/not found/);
      await db.database.write(() =>
        db.database.batch([collection.prepareCreateFromDirtyRaw(healthRow('d1', 7))]),
      );
      const again = await collection.query().fetch();
      expect(again.map((r) => r.id).sort()).toEqual(['d1', 'd2']);
      expect(rawOf(await collection.find('d1')).value).toBe(7);
    } finally {
      await db.close();
    }
  });
});
