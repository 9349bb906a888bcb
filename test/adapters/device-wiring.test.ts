import { describe, expect, it } from 'vitest';
import { uniqueUserId } from '../helpers/backend';
import { type AdapterKind, useDevices } from '../helpers/device';
import { useTempDir } from '../helpers/temp-dir';

/** How many records WatermelonDB holds in memory for a table (its private per-collection cache). */
function cachedCount(device: { opened: { database: import('@nozbe/watermelondb').Database } }) {
  const collection = device.opened.database.get('text_notes') as unknown as {
    _cache: { map: Map<string, unknown> };
  };
  return collection._cache.map.size;
}

/**
 * wireDevice() picks the record access per database (src/db/sqlite-fast-path.ts): the SQLite
 * fast path inserts pulled records as plain rows, so a first sync keeps none of them in memory;
 * on LokiJS the public API creates WatermelonDB records. Both devices end up with every record.
 */
describe.each<[AdapterKind, number]>([
  ['sqlite', 0],
  ['loki', 5],
])('wireDevice on %s', (adapter, cachedAfterPull) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter });

  it(`pulls records new to the device with ${cachedAfterPull} of them left in WatermelonDB's cache`, async () => {
    const user = uniqueUserId('wiring');
    try {
      const writer = await device(user, 'writer');
      await writer.sync.store.create(
        'text_notes',
        Array.from({ length: 5 }, (_, i) => ({ type: 'diary' as const, content: `note ${i}` })),
      );
      expect((await writer.sync.syncAll()).errors).toEqual([]);
      const reader = await device(user, 'reader');
      const before = cachedCount(reader);
      expect((await reader.sync.syncAll()).pulled).toBe(5);
      expect(cachedCount(reader) - before).toBe(cachedAfterPull);
      expect(await reader.opened.database.get('text_notes').query().fetchCount()).toBe(5);
    } finally {
      await closeAll();
    }
  });
});
