import fs from 'node:fs';
import path from 'node:path';
import type { Model } from '@nozbe/watermelondb';
import Sqlite from 'better-sqlite3';
import { openDatabase } from '../db/open-database';
import type { Figure } from './figure';
import { measure } from './measure';
import { benchRows } from './records';

/**
 * Local: N records created in one WatermelonDB batch (what the app's data collectors do), on
 * SQLite and on LokiJS, against raw better-sqlite3 inserts of the same rows in one transaction.
 */
export async function localWatermelon(
  dir: string,
  n: number,
  adapter: 'sqlite' | 'loki',
): Promise<Figure> {
  fs.mkdirSync(dir, { recursive: true });
  const opened = await openDatabase(
    adapter === 'sqlite' ? `sqlite:${path.join(dir, 'local.db')}` : 'loki:memory',
  );
  try {
    const groups = benchRows(n).map(({ table, rows }) => ({
      table,
      rows: rows.map((r) => withLocalColumns(r)),
    }));
    const run = await measure(async () => {
      const db = opened.database;
      await db.write(async () => {
        const prepared: Model[] = [];
        for (const { table, rows } of groups)
          for (const row of rows) prepared.push(db.get(table).prepareCreateFromDirtyRaw(row));
        await db.batch(prepared);
      });
    });
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await opened.close();
  }
}

export async function localRawSqlite(dir: string, n: number): Promise<Figure> {
  fs.mkdirSync(dir, { recursive: true });
  // The same schema, created by WatermelonDB, then written around it.
  const file = path.join(dir, 'raw.db');
  const opened = await openDatabase(`sqlite:${file}`);
  await opened.close();
  const sqlite = new Sqlite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    const groups = benchRows(n).map(({ table, rows }, t) => ({
      table,
      rows: rows.map((r, i) => ({
        id: `raw-${t}-${i}`,
        _status: 'created',
        _changed: '',
        ...withLocalColumns(r),
      })),
    }));
    const run = await measure(async () => {
      const insertAll = sqlite.transaction(() => {
        for (const { table, rows } of groups) {
          const columns = Object.keys(rows[0] ?? {});
          if (columns.length === 0) continue;
          const insert = sqlite.prepare(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
          );
          for (const row of rows) insert.run(row);
        }
      });
      insertAll();
    });
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    sqlite.close();
  }
}

function withLocalColumns(row: Record<string, unknown>): Record<string, string | number | null> {
  const now = Date.now();
  const out: Record<string, string | number | null> = {
    user_id: 'bench-user',
    created_at: now,
    updated_at: now,
    sync_status: 'pending',
  };
  for (const [k, v] of Object.entries(row))
    out[k] = typeof v === 'boolean' ? Number(v) : (v as string | number | null);
  return out;
}
