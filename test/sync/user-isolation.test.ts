import { FieldValue } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database';
import { photoPath, thumbnailPath, voicePath } from '../../src/files/media-paths';
import type { RemoteStore } from '../../src/sync/remote-store';
import { SyncManager } from '../../src/sync/sync-manager';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type AdapterKind, useDevices } from '../helpers/device';
import { deviceSnapshot, serverSnapshot, statusesOf } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Issue 8, deliverable 3: the sync layer keeps users apart on its own, whatever the server or the
 * rules do, and no id becomes a document path or a file path unchecked.
 */
const UNSAFE_IDS = [
  '',
  'a/b',
  '../escape',
  '..',
  '.hidden',
  'tab\there',
  'bell\u0007',
  'new\nline',
  'x'.repeat(129),
  'space here',
  'ünïcode',
];

/**
 * A named test double around the real remote: a server (or a rules mistake) that hands this
 * device another user's documents in its pages as well as its own.
 */
function leakingRemote(real: RemoteStore, otherUser: string): RemoteStore {
  return {
    ...real,
    pullPage: async (table, userId, after, limit) => {
      const own = await real.pullPage(table, userId, after, limit);
      const other = await real.pullPage(table, otherUser, null, limit);
      return { docs: [...other.docs, ...own.docs], readTime: own.readTime };
    },
    getMany: (table, ids) => real.getMany(table, ids),
    commit: (table, writes, deviceId) => real.commit(table, writes, deviceId),
    reportProgress: (u, d, p) => real.reportProgress(u, d, p),
  };
}

describe.each<AdapterKind>(['sqlite', 'loki'])('user isolation on %s', (adapter) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter });

  it("another user's documents in a pulled page are ignored and counted; the rest of the page applies", async () => {
    const alice = uniqueUserId('alice');
    const bob = uniqueUserId('bob');
    try {
      const bobPhone = await device(bob, 'bob-phone');
      await bobPhone.sync.store.create('text_notes', [
        { type: 'diary', content: 'bob one' },
        { type: 'diary', content: 'bob two' },
      ]);
      expect((await bobPhone.sync.syncAll()).success).toBe(true);
      const alicePhone = await device(alice, 'alice-phone');
      const [mine] = await alicePhone.sync.store.create('text_notes', [
        { type: 'thought', content: 'alice' },
      ]);
      await alicePhone.sync.syncAll();
      const aliceTablet = await device(alice, 'alice-tablet', {
        wrapRemote: (real) => leakingRemote(real, bob),
      });
      const result = await aliceTablet.sync.syncAll();
      expect(result.collections.text_notes?.foreign).toBe(2);
      const local = await deviceSnapshot(aliceTablet);
      expect(Object.keys(local.text_notes)).toEqual([mine]);
      expect(local.text_notes[mine].user_id).toBe(alice);
      // Nothing of bob's is on alice's tablet, in any table.
      for (const rows of Object.values(local))
        for (const row of Object.values(rows)) expect(row.user_id).toBe(alice);
    } finally {
      await closeAll();
    }
  });

  it('a local record whose id cannot be a document path is parked in error, never sent; the others sync', async () => {
    const user = uniqueUserId('ids');
    try {
      const phone = await device(user, 'phone');
      const unsafe = ['a/b', '../escape', 'bell\u0007', 'x'.repeat(129)];
      await phone.sync.store.create('text_notes', [
        ...unsafe.map((id) => ({ id, type: 'diary', content: 'unsafe' })),
        { id: 'fine-id', type: 'diary', content: 'fine' },
      ]);
      const result = await phone.sync.syncAll();
      expect(result.collections.text_notes?.failed).toBe(unsafe.length);
      const invalid = result.errors.filter((e) => e.code === 'invalid-id');
      expect(invalid.map((e) => e.documentId).sort()).toEqual([...unsafe].sort());
      expect(invalid[0].error).toMatch(/record id is not a valid document id/);
      const statuses = await statusesOf(phone, 'text_notes');
      for (const id of unsafe) expect(statuses[id]).toBe('error');
      expect(statuses['fine-id']).toBe('synced');
      const clients = testClients('ids-check');
      try {
        const server = await serverSnapshot(clients.firestore, user, ['text_notes']);
        expect(Object.keys(server.text_notes)).toEqual(['fine-id']);
        // "a/b" would have been a subcollection path: nothing was written there either.
        expect((await clients.firestore.doc('text_notes/a').listCollections()).length).toBe(0);
      } finally {
        await clients.close();
      }
    } finally {
      await closeAll();
    }
  });

  it('a server document whose id is not a safe record id is quarantined, not applied', async () => {
    const user = uniqueUserId('ids');
    const clients = testClients('ids-seed');
    try {
      const now = Date.now();
      const base = { user_id: user, type: 'diary', content: 'c', created_at: now, updated_at: now };
      for (const id of ['ctl\u0001id', 'sp ace', 'good-one'])
        await clients.firestore
          .collection('text_notes')
          .doc(id)
          .set({ ...base, _server_time: FieldValue.serverTimestamp(), _deleted: false });
      const phone = await device(user, 'phone');
      const result = await phone.sync.syncAll();
      expect(result.collections.text_notes?.quarantined).toBe(2);
      const quarantined = result.errors.filter((e) => e.kind === 'quarantined');
      expect(quarantined.map((e) => e.documentId).sort()).toEqual(['ctl\u0001id', 'sp ace']);
      expect(quarantined[0].error).toMatch(/a document id is not a valid record id/);
      const local = await deviceSnapshot(phone);
      expect(Object.keys(local.text_notes)).toEqual(['good-one']);
    } finally {
      await clients.close();
      await closeAll();
    }
  });
});

describe('ids are checked before they become paths', () => {
  const tempDir = useTempDir();

  it('SyncManager refuses an unsafe user id or device id, naming the rule', async () => {
    const opened = await openDatabase(`sqlite:${tempDir()}/ids.db`);
    try {
      const clients = testClients('ids-manager');
      try {
        const remote = new (await import('../../src/adapters/firestore-remote')).FirestoreRemote(
          clients.firestore,
        );
        for (const id of UNSAFE_IDS) {
          expect(
            () => new SyncManager({ database: opened.database, remote, deviceId: id }),
            JSON.stringify(id),
          ).toThrow(/Device id .* is not allowed: use 1-128 letters, digits/);
          const manager = new SyncManager({ database: opened.database, remote, deviceId: 'ok' });
          await expect(manager.initialize(id), JSON.stringify(id)).rejects.toThrow(
            /User id .* is not allowed/,
          );
          expect(manager.isInitialized).toBe(false);
        }
      } finally {
        await clients.close();
      }
    } finally {
      await opened.close();
    }
  });

  it('Storage paths are built only from safe ids and always under users/{uid}/', () => {
    for (const id of UNSAFE_IDS) {
      for (const build of [voicePath, photoPath, thumbnailPath]) {
        expect(() => build(id, 'record-1'), JSON.stringify(id)).toThrow(/User id/);
        expect(() => build('user-1', id), JSON.stringify(id)).toThrow(/Record id/);
      }
    }
    expect(voicePath('u-1', 'r.1')).toBe('users/u-1/voice/r.1.m4a');
    expect(photoPath('u-1', 'r_1')).toBe('users/u-1/photos/r_1.jpg');
    expect(thumbnailPath('u-1', 'r-1')).toBe('users/u-1/photos/thumbnails/r-1.jpg');
  });
});
