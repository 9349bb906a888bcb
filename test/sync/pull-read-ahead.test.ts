import { describe, expect, it } from 'vitest';
import type { RecordAccess } from '../../src/db/record-access';
import { sqliteFastPath } from '../../src/db/sqlite-fast-path';
import { loadCheckpoint } from '../../src/sync/checkpoint';
import type { RemoteStore } from '../../src/sync/remote-store';
import { uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The pull reads the next page while it applies the current one (src/sync/pull.ts): on the
 * emulator a page's query costs more the larger the collection, and the local apply then
 * overlaps it instead of adding to it (issue 19). The order is observed on the real remote and
 * the real SQLite fast path, each wrapped to log (nothing is replaced).
 */
describe('the pull reads ahead', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });

  /** A reader with pages of two whose text_notes reads and inserts are logged in order. */
  async function logged(user: string, name: string, failFirstApply = false) {
    const events: string[] = [];
    let reads = 0;
    let applies = 0;
    const records: RecordAccess = {
      ...sqliteFastPath,
      insertRows: async (db, table, rows) => {
        if (table === 'text_notes') {
          applies += 1;
          events.push(`apply ${applies}`);
          if (failFirstApply && applies === 1) throw new Error('disk full (test)');
        }
        return sqliteFastPath.insertRows!(db, table, rows);
      },
    };
    const wrapRemote = (real: RemoteStore): RemoteStore => ({
      ...real,
      pullPage: async (table, userId, after, limit) => {
        if (table !== 'text_notes') return real.pullPage(table, userId, after, limit);
        reads += 1;
        const n = reads;
        events.push(`read ${n}`);
        const page = await real.pullPage(table, userId, after, limit);
        events.push(`read ${n} done`);
        return page;
      },
      getMany: (table, ids) => real.getMany(table, ids),
      commit: (table, writes, deviceId) => real.commit(table, writes, deviceId),
      reportProgress: (u, d, p) => real.reportProgress(u, d, p),
    });
    const reader = await device(user, name, { pageSize: 2, records, wrapRemote });
    return { reader, events };
  }

  async function fiveNotes(user: string) {
    const writer = await device(user, 'writer');
    await writer.sync.store.create(
      'text_notes',
      Array.from({ length: 5 }, (_, i) => ({ type: 'diary', title: `n${i}`, content: 'x' })),
    );
    expect((await writer.sync.syncAll()).pushed).toBe(5);
  }

  it('asks for the next page before applying the one it has, and applies every page once', async () => {
    const user = uniqueUserId();
    try {
      await fiveNotes(user);
      const { reader, events } = await logged(user, 'reader');
      const result = await reader.sync.syncCollection('text_notes');
      expect(result.errors).toEqual([]);
      expect(result.pulled).toBe(5);
      // Pages of 2, 2 and 1: the second read starts before the first page's apply, the third
      // before the second's; the last page (short) asks for nothing more.
      expect(events.filter((e) => e.startsWith('apply'))).toEqual([
        'apply 1',
        'apply 2',
        'apply 3',
      ]);
      expect(events.filter((e) => /^read \d$/.test(e))).toEqual(['read 1', 'read 2', 'read 3']);
      expect(events.indexOf('read 2')).toBeLessThan(events.indexOf('apply 1'));
      expect(events.indexOf('read 3')).toBeLessThan(events.indexOf('apply 2'));
      expect(await reader.opened.database.get('text_notes').query().fetchCount()).toBe(5);
    } finally {
      await closeAll();
    }
  });

  it('a failed apply leaves no read running, keeps the checkpoint, and the next pass pulls it all', async () => {
    const user = uniqueUserId();
    try {
      await fiveNotes(user);
      const { reader, events } = await logged(user, 'reader', true);
      const failed = await reader.sync.syncCollection('text_notes');
      expect(failed.errors.map((e) => e.error)).toEqual([expect.stringContaining('pull failed')]);
      // The read ahead was asked for, and had ended by the time the pass returned.
      expect(events.slice(0, 3)).toEqual(['read 1', 'read 1 done', 'read 2']);
      expect(events).toContain('read 2 done');
      expect(await loadCheckpoint(reader.opened.database, 'text_notes')).toBeNull();
      const again = await reader.sync.syncCollection('text_notes');
      expect(again.errors).toEqual([]);
      expect(again.pulled).toBe(5);
      expect(await reader.opened.database.get('text_notes').query().fetchCount()).toBe(5);
    } finally {
      await closeAll();
    }
  });
});
