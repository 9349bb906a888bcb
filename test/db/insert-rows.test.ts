import path from 'node:path';
import { Q } from '@nozbe/watermelondb';
import { sanitizedRaw } from '@nozbe/watermelondb/RawRecord';
import { describe, expect, it } from 'vitest';
import { insertRows } from '../../src/db/insert-rows';
import { openDatabase } from '../../src/db/open-database';
import { rawOf } from '../../src/db/raw-update';
import { useTempDir } from '../helpers/temp-dir';

/** The pull's plain-INSERT path for records new to a SQLite device (src/db/insert-rows.ts). */
describe('insertRows on SQLite', () => {
  const tempDir = useTempDir();
  const row = {
    id: 'loc-1',
    user_id: 'u',
    latitude: 48.1,
    longitude: 11.5,
    accuracy: 5,
    is_visit: true,
    place_name: null,
    recorded_at: 1,
    created_at: 2,
    updated_at: 3,
    sync_status: 'synced',
    synced_at: 4,
    remote_version: '000000000001.000000001',
  };

  it('stores what WatermelonDB would store, booleans included, and survives a reopen', async () => {
    const file = path.join(tempDir(), 'i.db');
    let db = await openDatabase(`sqlite:${file}`);
    await db.database.write(() => insertRows(db.database, 'location_data', [row]));
    const expected = (await db.database.write(async () =>
      db.database
        .get('location_data')
        .create((r) => Object.assign(rawOf(r), { ...row, id: 'loc-2' })),
    )) as unknown as { _raw: Record<string, unknown> };
    const found = rawOf(await db.database.get('location_data').find('loc-1'));
    expect({ ...found, id: 'x' }).toEqual({ ...expected._raw, id: 'x' });
    expect(found.is_visit).toBe(true);
    await db.close();
    db = await openDatabase(`sqlite:${file}`);
    expect(rawOf(await db.database.get('location_data').find('loc-1'))).toMatchObject({
      is_visit: true,
      latitude: 48.1,
    });
    await db.close();
  });

  it('stores each row as WatermelonDB sanitizes it, dirty values included, several rows to a statement', async () => {
    // Rows go in several to a statement; 301 rows cross every statement boundary. Values of the
    // wrong type, NaN, Infinity, -0, 1/0 for a boolean, missing and extra keys: each row read
    // back must equal WatermelonDB's own sanitizedRaw of it (as a new record: created, no changes).
    const db = await openDatabase(`sqlite:${path.join(tempDir(), 'k.db')}`);
    const dirty = [
      { latitude: Number.NaN, is_visit: 1, place_name: 7 },
      { latitude: Number.POSITIVE_INFINITY, is_visit: 0, accuracy: '5' },
      { latitude: -0, is_visit: 'yes', place_name: 'Café "Zürich"', extra: 'ignored' },
      { longitude: null, user_id: 42, is_visit: null },
      {},
    ];
    const rows = Array.from({ length: 301 }, (_, i) => ({
      ...row,
      ...dirty[i % dirty.length],
      id: `loc-${i}`,
      recorded_at: i,
    })) as unknown as Array<typeof row>;
    try {
      await db.database.write(() => insertRows(db.database, 'location_data', rows));
      const schema = db.database.schema.tables.location_data;
      for (const r of rows) {
        const found = rawOf(await db.database.get('location_data').find(r.id));
        const expected = sanitizedRaw({ ...r, _status: 'created', _changed: '' }, schema);
        expect(found, r.id).toEqual(expected);
      }
      // And as stored, before WatermelonDB's reading sanitizes it again: booleans as 1/0.
      const stored = (await db.database
        .get('location_data')
        .query(Q.unsafeSqlQuery('select * from "location_data" order by "recorded_at"'))
        .unsafeFetchRaw()) as Array<Record<string, unknown>>;
      expect(stored).toHaveLength(rows.length);
      for (const [i, r] of rows.entries()) {
        const expected = sanitizedRaw({ ...r, _status: 'created', _changed: '' }, schema);
        const asStored = Object.fromEntries(
          Object.entries(expected).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v]),
        );
        expect(stored[i], r.id).toEqual(asStored);
      }
    } finally {
      await db.close();
    }
  });

  it('refuses an id that exists and changes nothing', async () => {
    const db = await openDatabase(`sqlite:${path.join(tempDir(), 'j.db')}`);
    await db.database.write(() => insertRows(db.database, 'location_data', [row]));
    await expect(
      db.database.write(() =>
        insertRows(db.database, 'location_data', [
          { ...row, id: 'loc-9' },
          { ...row, latitude: 0 },
        ]),
      ),
    ).rejects.toThrow(/UNIQUE/);
    expect(rawOf(await db.database.get('location_data').find('loc-1')).latitude).toBe(48.1);
    expect(await db.database.get('location_data').query().fetchCount()).toBe(1);
    await db.close();
  });
});
