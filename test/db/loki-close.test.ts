import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database';
import { useTempDir } from '../helpers/temp-dir';

interface LokiInternals {
  saveDatabase(callback?: () => void): void;
  throttledSavePending: boolean;
}

/**
 * CI once failed removing a test's folder (ENOTEMPTY) after its LokiJS device had closed. LokiJS
 * clears its dirty flags as a save begins, so a close during an autosave found nothing dirty and
 * called back at once while the save was still writing the file. Closing now waits for it.
 */
describe('closing a LokiJS file database', () => {
  const tempDir = useTempDir();

  it('resolves only once no save is writing the file any more', async () => {
    const file = path.join(tempDir(), 'd.loki.json');
    const opened = await openDatabase(`loki:${file}`);
    const db = opened.database;
    await db.write(() =>
      db.get('text_notes').create((r) => {
        Object.assign((r as unknown as { _raw: Record<string, unknown> })._raw, {
          type: 'thought',
          content: 'x',
          user_id: 'u',
          sync_status: 'pending',
        });
      }),
    );
    const loki =
      (db.adapter as unknown as { underlyingAdapter?: unknown }).underlyingAdapter ?? db.adapter;
    const internals = (loki as { _driver: { loki: LokiInternals } })._driver.loki;
    internals.saveDatabase(); // as an autosave would: the flags are cleared, the write in flight
    expect(internals.throttledSavePending).toBe(true);
    await opened.close();
    expect(internals.throttledSavePending).toBe(false);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['d.loki.json']);
  });
});
