import { describe, expect, it } from 'vitest';
import type { Sdk } from '../../src/core/sdk';
import { rawOf } from '../../src/db/raw-update';
import { uniqueUserId } from '../helpers/backend';
import { type AdapterKind, useDevices } from '../helpers/device';
import { deviceSnapshot, queueSize } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

/**
 * A record deleted and created again with the same id before the delete was pushed (the app
 * restoring a note, or an id the app derives from content). Found by a soak of seed 20261130
 * (run 519): the second create threw `UNIQUE constraint failed: sync_queue.id`, because create
 * wrote a fresh queue row beside the delete's. Now the two coalesce: the record goes up whole,
 * based on the version the delete was based on, and the server and another device hold it.
 */
const NOTE = { type: 'diary', content: 'first draft', title: 'Monday' };

describe.each<[AdapterKind, Sdk]>([
  ['sqlite', 'admin'],
  ['loki', 'client'],
])('re-creating a deleted record on %s through the %s SDK', (adapter, sdk) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter, sdk });

  it('after its delete was queued, before it was pushed: the new record syncs whole', async () => {
    const user = uniqueUserId();
    const a = await device(user, 'a');
    const b = await device(user, 'b');
    // Document ids are global on the server: one of this user's own.
    const id = `${user}-note`;
    try {
      await a.sync.store.create('text_notes', [{ id, ...NOTE }]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      await a.sync.store.delete('text_notes', [id]);
      await a.sync.store.create('text_notes', [
        { id, type: 'thought', content: 'second life', title: null },
      ]);
      const pushed = await a.sync.syncAll();
      expect(pushed.errors).toEqual([]);
      expect(await queueSize(a)).toBe(0);
      await b.sync.syncAll();
      const onB = rawOf(await b.opened.database.get('text_notes').find(id));
      expect({ type: onB.type, content: onB.content, title: onB.title }).toEqual({
        type: 'thought',
        content: 'second life',
        title: null,
      });
      expect(await deviceSnapshot(b)).toEqual(await deviceSnapshot(a));
    } finally {
      await closeAll();
    }
  });

  it('never pushed at all (create, delete, create): it goes up once, as a create', async () => {
    const user = uniqueUserId();
    const a = await device(user, 'a');
    const b = await device(user, 'b');
    const id = `${user}-fresh`;
    try {
      await a.sync.store.create('text_notes', [{ id, ...NOTE }]);
      await a.sync.store.delete('text_notes', [id]);
      await a.sync.store.create('text_notes', [{ id, ...NOTE, title: 'again' }]);
      const pushed = await a.sync.syncAll();
      expect(pushed.errors).toEqual([]);
      await b.sync.syncAll();
      expect(rawOf(await b.opened.database.get('text_notes').find(id)).title).toBe('again');
    } finally {
      await closeAll();
    }
  });
});
