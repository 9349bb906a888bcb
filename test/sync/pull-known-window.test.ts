import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { loadPullState } from '../../src/sync/checkpoint';
import type { RemoteStore } from '../../src/sync/remote-store';
import { decodeVersion } from '../../src/sync/version';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type AdapterKind, useDevices } from '../helpers/device';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The known window (src/sync/pull.ts): the part of the late-write window this device already
 * holds (what it pulled, and since issue 19 what it pushed) is read by version only; documents
 * at the version held are echoes, the others are read in full by id and applied. Before, a pass
 * right after a push of N records read all N back in full (the edits bench: 0.5-1.1 s of a
 * 10,000-record pass). Observed on the real emulator through a counting wrapper.
 */
describe.each<AdapterKind>(['sqlite', 'loki'])('the known window (%s)', (adapter) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter });

  /** Counts, for text_notes, documents read in full and read by version. */
  function counting() {
    const read = { full: 0, byId: 0, versions: 0 };
    const wrapRemote = (real: RemoteStore): RemoteStore => ({
      ...real,
      pullPage: async (table, userId, after, limit) => {
        const page = await real.pullPage(table, userId, after, limit);
        if (table === 'text_notes') read.full += page.docs.length;
        return page;
      },
      pullVersions: async (table, userId, after, through, limit) => {
        const page = await real.pullVersions!(table, userId, after, through, limit);
        if (table === 'text_notes') read.versions += page.docs.length;
        return page;
      },
      getMany: async (table, ids) => {
        if (table === 'text_notes') read.byId += ids.length;
        return real.getMany(table, ids);
      },
    });
    return { read, wrapRemote };
  }

  const notes = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ type: 'diary', title: `n${i}`, content: 'x' }));

  it('reads what the device just pushed by version only, and changes nothing', async () => {
    const user = uniqueUserId('window');
    const { read, wrapRemote } = counting();
    try {
      const phone = await device(user, 'phone', { pageSize: 2, wrapRemote });
      await phone.sync.store.create('text_notes', notes(5));
      const first = await phone.sync.syncCollection('text_notes');
      expect(first.pushed).toBe(5);
      // The first pull found nothing and still set a checkpoint; the push raised `seen` to it.
      const state = await loadPullState(phone.opened.database, 'text_notes');
      expect(state.checkpoint).not.toBeNull();
      expect(state.seen).not.toBeNull();
      const before = await phone.opened.database.get('text_notes').query().fetch();
      const rawBefore = before.map((r) => ({ ...r._raw }));

      read.full = 0;
      const again = await phone.sync.syncCollection('text_notes');
      expect(again.errors).toEqual([]);
      expect(again.pulled).toBe(0);
      expect(again.collections.text_notes?.echoes).toBe(5);
      // Before this change the five came back in full (read.full 5, versions 0).
      expect(read).toEqual({ full: 0, byId: 0, versions: 5 });
      const after = await phone.opened.database.get('text_notes').query().fetch();
      expect(after.map((r) => ({ ...r._raw }))).toEqual(rawBefore);
    } finally {
      await closeAll();
    }
  });

  it('reads a late write inside the window in full and applies it', async () => {
    const user = uniqueUserId('window-late');
    const { read, wrapRemote } = counting();
    const admin = testClients('window-late');
    try {
      const phone = await device(user, 'phone', { wrapRemote });
      await phone.sync.store.create('text_notes', notes(3));
      expect((await phone.sync.syncCollection('text_notes')).pushed).toBe(3);
      const { seen } = await loadPullState(phone.opened.database, 'text_notes');
      expect(seen).not.toBeNull();

      // Another writer's slow commit: stamped just before the phone's last write, visible only
      // now (its `_server_time` set back by hand; the emulator commits too fast to race it).
      const tablet = await device(user, 'tablet');
      const [late] = await tablet.sync.store.create('text_notes', [
        { type: 'diary', title: 'late from tablet', content: 'y' },
      ]);
      expect((await tablet.sync.syncCollection('text_notes')).pushed).toBe(1);
      const { seconds, nanoseconds } = decodeVersion(seen!.time);
      const stamped = new Timestamp(seconds, nanoseconds).toMillis() - 1;
      await admin.firestore
        .collection('text_notes')
        .doc(late)
        .update({ _server_time: Timestamp.fromMillis(stamped) });

      read.full = 0;
      const again = await phone.sync.syncCollection('text_notes');
      expect(again.errors).toEqual([]);
      expect(again.pulled).toBe(1);
      expect(again.collections.text_notes?.echoes).toBe(3);
      expect(read).toEqual({ full: 0, byId: 1, versions: 4 });
      const got = await phone.opened.database.get('text_notes').find(late);
      expect((got._raw as unknown as Record<string, unknown>).title).toBe('late from tablet');
    } finally {
      await admin.close();
      await closeAll();
    }
  });
});
