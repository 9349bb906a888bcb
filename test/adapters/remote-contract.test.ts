import type { Timestamp } from 'firebase-admin/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { openClientFirestore } from '../../src/adapters/client-firestore';
import { ClientRemote } from '../../src/adapters/client-remote';
import { DEVICES_COLLECTION, FirestoreRemote } from '../../src/adapters/firestore-remote';
import type { Sdk } from '../../src/core/sdk';
import type { RemoteStore, RemoteWrite, WriteOutcome } from '../../src/sync/remote-store';
import { isVersion, type Version } from '../../src/sync/version';
import { testClients, testEndpoints, uniqueUserId } from '../helpers/backend';

/**
 * The RemoteStore contract, run for both remotes against the emulator (rules enforced for the
 * client SDK's, signed in as the user): versions are `_server_time` and read the same by both,
 * a write states the version it assumes and a refused one comes back as a conflict with the
 * current document, creates only create, tombstones drop the data, pages follow the cursor.
 */
const admin = testClients('remote-contract');
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await admin.close();
});

function openRemote(sdk: Sdk, userId: string): RemoteStore {
  if (sdk === 'admin') return new FirestoreRemote(admin.firestore);
  const { projectId, firestore } = testEndpoints();
  const client = openClientFirestore({ projectId, firestore, userId, label: 'contract' });
  closers.push(() => client.close());
  return new ClientRemote(client);
}

function note(user: string, content: string) {
  return { user_id: user, type: 'diary', content, created_at: 1, updated_at: 1 };
}

function create(id: string, set: RemoteWrite['set']): RemoteWrite {
  return { id, expected: null, set, remove: [], deleted: false, changed: [] };
}

function update(id: string, expected: Version, set: RemoteWrite['set']): RemoteWrite {
  return { id, expected, set, remove: [], deleted: false, changed: Object.keys(set) };
}

function versionOf(outcome: WriteOutcome): Version {
  if (outcome.status !== 'written') throw new Error(`${outcome.id} was not written`);
  if (outcome.version === null) throw new Error(`${outcome.id}: no version read back`);
  return outcome.version;
}

/** The document's `_server_time` as firebase-admin reads it, encoded. */
async function serverTimeOf(table: string, id: string): Promise<Version> {
  const [snapshot] = await admin.firestore.getAll(admin.firestore.collection(table).doc(id));
  const stamp = snapshot.get('_server_time') as Timestamp;
  return `${String(stamp.seconds).padStart(12, '0')}.${String(stamp.nanoseconds).padStart(9, '0')}`;
}

describe.each<Sdk>(['admin', 'client'])('the %s remote', (sdk) => {
  it("a create is written, and its version is the document's _server_time as pulls and reads see it", async () => {
    const user = uniqueUserId(sdk);
    const remote = openRemote(sdk, user);
    const ids = [`${user}-a`, `${user}-b`];
    const outcomes = await remote.commit(
      'text_notes',
      ids.map((id) => create(id, note(user, id))),
      'phone',
    );
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'written']);
    const version = versionOf(outcomes[0]);
    expect(isVersion(version)).toBe(true);
    expect(version).toBe(await serverTimeOf('text_notes', ids[0]));
    const page = await remote.pullPage('text_notes', user, null, 10);
    expect(page.docs.map((d) => [d.id, d.version, d.device])).toEqual(
      ids.map((id, i) => [id, versionOf(outcomes[i]), 'phone']),
    );
    const read = await remote.getMany('text_notes', [...ids, `${user}-absent`]);
    expect([...read.keys()].sort()).toEqual(ids);
    expect(read.get(ids[1])?.version).toBe(versionOf(outcomes[1]));
  });

  it('a create of a document that exists is a conflict carrying it; the rest of the batch is written', async () => {
    const user = uniqueUserId(sdk);
    const remote = openRemote(sdk, user);
    const taken = `${user}-taken`;
    const [first] = await remote.commit('text_notes', [create(taken, note(user, 'one'))], 'a');
    const outcomes = await remote.commit(
      'text_notes',
      [create(taken, note(user, 'two')), create(`${user}-free`, note(user, 'three'))],
      'b',
    );
    expect(outcomes[0]).toMatchObject({ status: 'conflict', current: { id: taken, device: 'a' } });
    expect(outcomes[0].status === 'conflict' && outcomes[0].current?.version).toBe(
      versionOf(first),
    );
    expect(outcomes[1].status).toBe('written');
    const read = await remote.getMany('text_notes', [taken]);
    expect(read.get(taken)?.data.content).toBe('one');
  });

  it('an update on the version it assumes is written with a newer version; one on an older version is a conflict and changes nothing', async () => {
    const user = uniqueUserId(sdk);
    const remote = openRemote(sdk, user);
    const id = `${user}-n`;
    const v1 = versionOf(
      (await remote.commit('text_notes', [create(id, note(user, 'v1'))], 'a'))[0],
    );
    const v2 = versionOf(
      (await remote.commit('text_notes', [update(id, v1, { content: 'v2' })], 'a'))[0],
    );
    expect(v2 > v1).toBe(true);
    const stale = await remote.commit('text_notes', [update(id, v1, { content: 'lost?' })], 'b');
    expect(stale[0]).toMatchObject({ status: 'conflict', current: { version: v2, device: 'a' } });
    const doc = (await remote.getMany('text_notes', [id])).get(id)!;
    expect(doc.data.content).toBe('v2');
    // The field time of the change is the version that made it (merge decides by it).
    expect(doc.fieldTimes.content).toBe(v2);
  });

  it('an update of a document that does not exist (purged) is a conflict with no document', async () => {
    const user = uniqueUserId(sdk);
    const remote = openRemote(sdk, user);
    const outcomes = await remote.commit(
      'text_notes',
      [update(`${user}-gone`, '000000000001.000000000', { content: 'x' })],
      'a',
    );
    expect(outcomes).toEqual([{ id: `${user}-gone`, status: 'conflict', current: null }]);
  });

  it('a tombstone keeps user_id and the meta fields only', async () => {
    const user = uniqueUserId(sdk);
    const remote = openRemote(sdk, user);
    const id = `${user}-t`;
    const v1 = versionOf(
      (await remote.commit('text_notes', [create(id, note(user, 'bye'))], 'a'))[0],
    );
    const tombstone: RemoteWrite = {
      id,
      expected: v1,
      set: {},
      remove: ['type', 'content', 'created_at', 'updated_at'],
      deleted: true,
      changed: [],
    };
    expect((await remote.commit('text_notes', [tombstone], 'a'))[0].status).toBe('written');
    const [doc] = (await remote.pullPage('text_notes', user, null, 10)).docs;
    expect(doc).toMatchObject({ id, deleted: true, data: { user_id: user } });
    expect(Object.keys(doc.data)).toEqual(['user_id']);
  });

  it('pages follow the (time, id) cursor, and a floor cursor reads its whole time again', async () => {
    const user = uniqueUserId(sdk);
    const remote = openRemote(sdk, user);
    const ids = [1, 2, 3, 4, 5].map((n) => `${user}-p${n}`);
    await remote.commit(
      'text_notes',
      ids.map((id) => create(id, note(user, id))),
      'a',
    );
    const seen: string[] = [];
    let cursor = null;
    for (;;) {
      const page = await remote.pullPage('text_notes', user, cursor, 2);
      seen.push(...page.docs.map((d) => d.id));
      if (page.docs.length < 2) break;
      const last = page.docs[page.docs.length - 1];
      cursor = { time: last.serverTime!, id: last.id };
    }
    expect(seen).toEqual(ids);
    const floor = await remote.pullPage('text_notes', user, { time: cursor!.time, id: null }, 10);
    expect(floor.docs.map((d) => d.id)).toEqual(ids);
  });

  it("reports progress into the device's own progress document", async () => {
    const user = uniqueUserId(sdk);
    const remote = openRemote(sdk, user);
    await remote.reportProgress(user, 'phone', { text_notes: '000000000123.000000456' });
    const [snapshot] = await admin.firestore.getAll(
      admin.firestore.collection(DEVICES_COLLECTION).doc(`${user}:phone`),
    );
    expect(snapshot.get('pulled_through')).toEqual({ text_notes: '000000000123.000000456' });
  });

  it('finds the documents the pull cannot see (no valid _server_time), by id', async () => {
    const user = uniqueUserId(sdk);
    const remote = openRemote(sdk, user);
    await remote.commit('text_notes', [create(`${user}-ok`, note(user, 'ok'))], 'a');
    // The app's original format: a plain set, no server-managed fields.
    await admin.firestore
      .collection('text_notes')
      .doc(`${user}-legacy`)
      .set({ ...note(user, 'old'), sync_status: 'synced' });
    const unseen = await remote.findUnseen!('text_notes', user, 20);
    expect(unseen).toMatchObject({
      count: 1,
      ids: [`${user}-legacy`],
      counts: { all: 2, pullable: 1 },
    });
  });

  it('a conflict carries a document written by the other SDK, with the same version', async () => {
    const user = uniqueUserId(sdk);
    const remote = openRemote(sdk, user);
    const other = openRemote(sdk === 'admin' ? 'client' : 'admin', user);
    const id = `${user}-x`;
    const [made] = await other.commit('text_notes', [create(id, note(user, 'theirs'))], 'other');
    const [mine] = await remote.commit('text_notes', [create(id, note(user, 'mine'))], 'me');
    expect(mine).toMatchObject({ status: 'conflict', current: { version: versionOf(made) } });
    const [edited] = await remote.commit(
      'text_notes',
      [update(id, versionOf(made), { content: 'edited' })],
      'me',
    );
    expect(edited.status).toBe('written');
  });
});
