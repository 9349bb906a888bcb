import path from 'node:path';
import { Q } from '@nozbe/watermelondb';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Found by the memory-1m bench phase (issue 19): a first pull's peak RSS grew with the records
 * pulled (220 MB at 40,000, 271 MB at 180,000). The SQLite connection kept every statement it
 * prepared, up to 1,000, including the lookups by id, whose ids WatermelonDB writes into the SQL
 * (`id in ('…', … 900 ids)`): each is used once and holds ~0.2 MB of SQLite's memory, outside
 * V8's heap. Only statements that can be used again may be kept.
 */
describe('the SQLite connection’s prepared statements', () => {
  const tempDir = useTempDir();

  it('lookups by many ids, each used once, leave no memory behind', async () => {
    const opened = await openDatabase(`sqlite:${path.join(tempDir(), 'x.db')}`);
    try {
      const notes = opened.database.get('text_notes');
      const lookups = async (from: number, count: number) => {
        for (let q = from; q < from + count; q += 1) {
          const ids = Array.from({ length: 900 }, (_, i) => `id-${q}-${i}-0123456789`);
          expect(await notes.query(Q.where('id', Q.oneOf(ids))).fetch()).toEqual([]);
        }
      };
      await lookups(0, 50); // allocator and caches warm
      const before = process.memoryUsage().rss;
      await lookups(50, 400);
      const grownMB = (process.memoryUsage().rss - before) / 1_048_576;
      // Kept, 400 such statements hold ~75 MB; released, the growth is the allocator's noise.
      expect(grownMB).toBeLessThan(30);
    } finally {
      await opened.close();
    }
  });
});
