import { describe, expect, it } from 'vitest';
import type { RecordAccess } from '../../src/db/record-access';
import { sqliteFastPath } from '../../src/db/sqlite-fast-path';
import { uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { useTempDir } from '../helpers/temp-dir';

/**
 * A pass soon after a push reads the device's own writes again (they are inside the late-write
 * window, checkpoint.ts): every one an echo, nothing to write. Such a page is planned once and
 * left: no writer, no second lookup of its records and queue rows (issue 19: a pass of 10,000
 * edits right after their records were synced spent ~0.5-1 s of CPU re-reading them). An echo
 * stays an echo whatever the app does meanwhile (an edit keeps the record's base version), so
 * nothing needs checking again.
 */
describe('a page of echoes', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });

  it('is recognised with one lookup per page and changes nothing', async () => {
    const user = uniqueUserId('echo');
    const lookups: string[] = [];
    const records: RecordAccess = {
      ...sqliteFastPath,
      findByIds: (db, table, ids) => {
        lookups.push(table);
        return sqliteFastPath.findByIds(db, table, ids);
      },
    };
    try {
      const phone = await device(user, 'phone', { pageSize: 2, records });
      await phone.sync.store.create(
        'text_notes',
        Array.from({ length: 5 }, (_, i) => ({ type: 'diary', title: `n${i}`, content: 'x' })),
      );
      expect((await phone.sync.syncCollection('text_notes')).pushed).toBe(5);
      const before = await phone.opened.database.get('text_notes').query().fetch();
      const rawBefore = before.map((r) => ({ ...r._raw }));

      lookups.length = 0;
      const again = await phone.sync.syncCollection('text_notes');
      expect(again.errors).toEqual([]);
      expect(again.pulled).toBe(0);
      expect(again.collections.text_notes?.echoes).toBe(5);
      // Pages of 2, 2 and 1: one lookup of the records and one of the queue rows each.
      expect(lookups.filter((t) => t === 'text_notes')).toHaveLength(3);
      expect(lookups.filter((t) => t === 'sync_queue')).toHaveLength(3);
      const after = await phone.opened.database.get('text_notes').query().fetch();
      expect(after.map((r) => ({ ...r._raw }))).toEqual(rawBefore);
    } finally {
      await closeAll();
    }
  });
});
