import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { type AdoptionReport, type Planned, writeAdoptions } from '../../src/adapters/adopt-unseen';
import { asFirestoreTimestamp, FirestoreRemote } from '../../src/adapters/firestore-remote';
import { planAdoption } from '../../src/sync/plan-adoption';
import { testClients, uniqueUserId } from '../helpers/backend';

const note = (user: string) => ({
  user_id: user,
  type: 'thought',
  content: 'x',
  created_at: 1,
  updated_at: 2,
});

describe('planning the adoption of a document the pull cannot see', () => {
  const plan = (data: Record<string, unknown>, id = 'n1') =>
    planAdoption('text_notes', 'u1', id, data, asFirestoreTimestamp);

  it("drops the app's local bookkeeping and a copy of the id, and keeps every value", () => {
    expect(
      plan({ ...note('u1'), id: 'n1', sync_status: 'synced', synced_at: 5, _status: 'synced' }),
    ).toEqual({
      kind: 'adopt',
      id: 'n1',
      set: {},
      remove: ['_status', 'id', 'sync_status', 'synced_at'],
      deleted: false,
    });
  });

  it('turns a timestamp in a date column into epoch milliseconds', () => {
    const result = plan({ ...note('u1'), created_at: new Timestamp(1_700_000_000, 123_000_000) });
    expect(result).toMatchObject({ kind: 'adopt', set: { created_at: 1_700_000_000_123 } });
  });

  it('keeps a legacy tombstone a tombstone, with no data but its owner', () => {
    expect(plan({ ...note('u1'), _deleted: true, _server_time: 'yesterday' })).toEqual({
      kind: 'adopt',
      id: 'n1',
      set: {},
      remove: ['content', 'created_at', 'type', 'updated_at'],
      deleted: true,
    });
  });

  it('leaves what would not fit, naming the field and never the value', () => {
    expect(plan({ ...note('u1'), content: 7 })).toEqual({
      kind: 'unfit',
      id: 'n1',
      problem: 'text_notes/n1: field content should be a string, is a number',
    });
    expect(plan({ ...note('u1'), mood_v2: 'Canary' })).toMatchObject({
      kind: 'unfit',
      problem: expect.stringContaining('"mood_v2"'),
    });
    expect(plan({ ...note('u1'), _deleted: 'no' })).toMatchObject({ kind: 'unfit' });
    expect(plan({ ...note('u1'), id: 'another' })).toMatchObject({ kind: 'unfit' });
    expect(JSON.stringify(plan({ ...note('u1'), title: 99.25 }))).not.toContain('99.25');
  });

  it('does nothing to a document that has a valid server time by now', () => {
    expect(plan({ ...note('u1'), _server_time: new Timestamp(1, 0) })).toEqual({
      kind: 'already-pullable',
      id: 'n1',
    });
  });
});

describe('adopting on the emulator', () => {
  it('never overwrites a write that landed after the document was read: it is left for the next run, the rest is adopted', async () => {
    const user = uniqueUserId('adopt-race');
    const { firestore, close } = testClients('adopt-race');
    try {
      const ids = ['race-a', 'race-b', 'race-c'];
      for (const id of ids) await firestore.collection('text_notes').doc(id).set(note(user));
      const snapshots = await firestore.getAll(
        ...ids.map((id) => firestore.collection('text_notes').doc(id)),
      );
      const planned = snapshots.map((snapshot) => ({
        snapshot,
        plan: planAdoption('text_notes', user, snapshot.id, snapshot.data()!, asFirestoreTimestamp),
      })) as Planned[];
      // The app edits race-b (its original format) between the read and the adoption.
      await firestore
        .collection('text_notes')
        .doc('race-b')
        .set({ content: 'edited by the app', sync_status: 'synced' }, { merge: true });
      const report: AdoptionReport = {
        unseen: 3,
        adopted: [],
        changedMeanwhile: [],
        resolvedMeanwhile: [],
        unfit: [],
      };
      const written = await writeAdoptions(firestore, 'text_notes', planned, report);
      expect(written.map((w) => w.plan.id)).toEqual(['race-a', 'race-c']);
      expect(report.changedMeanwhile).toEqual(['race-b']);
      const b = (await firestore.collection('text_notes').doc('race-b').get()).data()!;
      expect(b).toMatchObject({ content: 'edited by the app', sync_status: 'synced' });
      expect(b._server_time).toBeUndefined();
      const remote = new FirestoreRemote(firestore);
      const found = await remote.findUnseen('text_notes', user, 10);
      expect(found).toMatchObject({ count: 1, ids: ['race-b'] });
      // While the counts stay as they were, the last listing is reused (no scan of the user's
      // documents on every pass): a previous finding with the same counts comes back as it was.
      const stale = { count: 1, ids: ['listed-before'], counts: found.counts };
      expect(await remote.findUnseen('text_notes', user, 10, stale)).toMatchObject({
        ids: ['listed-before'],
      });
      expect(
        await remote.findUnseen('text_notes', user, 10, {
          ...stale,
          counts: { all: 0, pullable: 0 },
        }),
      ).toMatchObject({ ids: ['race-b'] });
      // The others are wire-format documents now: a real server stamp puts them in the pull's order.
      const a = (await firestore.collection('text_notes').doc('race-a').get()).data()!;
      expect(a._server_time).toBeInstanceOf(Timestamp);
    } finally {
      await close();
    }
  });
});
