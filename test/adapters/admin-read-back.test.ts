import type { Firestore } from 'firebase-admin/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { FirestoreRemote } from '../../src/adapters/firestore-remote';
import { testClients, uniqueUserId } from '../helpers/backend';
import { createNote, noteServerTime } from '../helpers/read-back';

/**
 * The admin remote learns the versions a commit made by reading back as little as it can: every
 * write of one batch carries the batch's commit time (one write time, one server timestamp), so
 * the first document, still at the commit's write time, tells them all. On the emulator each
 * document read costs about as much as several writes (issue 19).
 */
const admin = testClients('admin-read-back');
afterAll(() => admin.close());

/** The admin SDK's Firestore, its getAll counted (documents asked for). */
function countedRemote() {
  const counts = { read: 0 };
  const db = new Proxy(admin.firestore, {
    get(target, key, receiver) {
      if (key === 'getAll')
        return (...refs: unknown[]) => {
          counts.read += refs.filter((r) => typeof r === 'object' && r && 'path' in r).length;
          return (target.getAll as (...a: unknown[]) => unknown)(...refs);
        };
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Firestore;
  return { remote: new FirestoreRemote(db), counts };
}

const serverTimeOf = (id: string) => noteServerTime(admin.firestore, id);

describe('the admin remote reads back the versions a commit made', () => {
  it('with one document read, not one per write: each version is its document’s _server_time', async () => {
    const user = uniqueUserId('admin-readback');
    const { remote, counts } = countedRemote();
    const ids = Array.from({ length: 20 }, (_, i) => `${user}-${i}`);
    const outcomes = await remote.commit(
      'text_notes',
      ids.map((id) => createNote(id, user)),
      'phone',
    );
    // Creates need no read before (create() fails on an existing document); one after.
    expect(counts.read).toBe(1);
    const times = await Promise.all(ids.map(serverTimeOf));
    expect(new Set(times).size).toBe(1);
    expect(outcomes).toEqual(ids.map((id, i) => ({ id, status: 'written', version: times[i] })));
  });
});
