import type { Transaction } from 'firebase/firestore';
import { FieldValue } from 'firebase-admin/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ClientFirestore,
  type ClientSdk,
  openClientFirestore,
} from '../../src/adapters/client-firestore';
import { ClientRemote } from '../../src/adapters/client-remote';
import { testClients, testEndpoints, uniqueUserId } from '../helpers/backend';
import { createNote, noteServerTime } from '../helpers/read-back';

/**
 * The client remote learns the versions a commit made by reading back as little as it can: every
 * write of one commit carries the commit's time as `_server_time` (the rules demand
 * `request.time` of each), so one document that still carries this device's write tells them
 * all. Each read is a lookup the emulator evaluates the rules for, so one is read, not all.
 */
const admin = testClients('client-read-back');
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await admin.close();
});

/** The client remote, its SDK's transactions counted (gets) and hookable (before the k-th). */
function countedRemote(userId: string, before: Map<number, () => Promise<void>> = new Map()) {
  const { projectId, firestore } = testEndpoints();
  const client = openClientFirestore({ projectId, firestore, userId, label: 'read-back' });
  closers.push(() => client.close());
  const counts = { transactions: 0, gets: 0 };
  const sdk: ClientSdk = {
    ...client.sdk,
    runTransaction: (async (db: Parameters<ClientSdk['runTransaction']>[0], update, options) => {
      counts.transactions += 1;
      await before.get(counts.transactions)?.();
      return client.sdk.runTransaction(
        db,
        (transaction) => {
          const counted = {
            get: (ref: Parameters<Transaction['get']>[0]) => {
              counts.gets += 1;
              return transaction.get(ref);
            },
            set: (...args: Parameters<Transaction['set']>) => {
              transaction.set(...args);
              return counted;
            },
            update: (...args: Parameters<Transaction['update']>) => {
              (transaction.update as (...a: unknown[]) => Transaction)(...args);
              return counted;
            },
          } as unknown as Transaction;
          return update(counted);
        },
        options,
      );
    }) as ClientSdk['runTransaction'],
  };
  const counted: ClientFirestore = {
    firestore: client.firestore,
    sdk,
    get closed() {
      return client.closed;
    },
    close: () => client.close(),
  };
  return { remote: new ClientRemote(counted), counts };
}

const serverTimeOf = (id: string) => noteServerTime(admin.firestore, id);

describe('the client remote reads back the versions a commit made', () => {
  it('with one document read, not one per write: each version is its document’s _server_time', async () => {
    const user = uniqueUserId('readback');
    const { remote, counts } = countedRemote(user);
    const ids = Array.from({ length: 20 }, (_, i) => `${user}-${i}`);
    const outcomes = await remote.commit(
      'text_notes',
      ids.map((id) => createNote(id, user)),
      'phone',
    );
    // 20 reads to condition the creates on absence, then one to learn the commit's time.
    expect(counts.gets).toBe(21);
    const times = await Promise.all(ids.map(serverTimeOf));
    expect(outcomes).toEqual(ids.map((id, i) => ({ id, status: 'written', version: times[i] })));
  });

  it('a document another writer moved on meanwhile has no version; the others still get theirs', async () => {
    const user = uniqueUserId('readback');
    const ids = Array.from({ length: 5 }, (_, i) => `${user}-${i}`);
    // Before the read-back's transaction (the second), another writer rewrites the first document.
    const { remote } = countedRemote(
      user,
      new Map([
        [
          2,
          async () => {
            await admin.firestore.collection('text_notes').doc(ids[0]).update({
              content: 'theirs',
              _device: 'other',
              _server_time: FieldValue.serverTimestamp(),
            });
          },
        ],
      ]),
    );
    const outcomes = await remote.commit(
      'text_notes',
      ids.map((id) => createNote(id, user)),
      'phone',
    );
    const times = await Promise.all(ids.map(serverTimeOf));
    expect(outcomes[0]).toEqual({ id: ids[0], status: 'written', version: null });
    expect(outcomes.slice(1)).toEqual(
      ids.slice(1).map((id, i) => ({ id, status: 'written', version: times[i + 1] })),
    );
    expect(times[0] > times[1]).toBe(true);
  });
});
