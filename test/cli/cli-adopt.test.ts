import type { Firestore } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { deviceDatabasePath } from '../../src/db/device-paths';
import { openDatabase } from '../../src/db/open-database';
import { META } from '../../src/sync/wire-format';
import { backendArgs, testClients, uniqueUserId } from '../helpers/backend';
import { type CliResult, collect, runCli, startCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/** Values that must never appear in output (ids, counts and field names may). */
const CANARY = {
  content: 'Canary-legacy-Marmoset',
  title: 'Canary-legacy-title-Okapi',
  malformed: 'Canary-malformed-Quokka',
};

/**
 * The app's SyncManager as it shipped: `set(modelToFirestore(record), {merge: true})` of the
 * record's fields, local bookkeeping included, and no `_server_time` (reference/sync-and-storage.md).
 */
async function writeAppOriginalFormat(db: Firestore, user: string, now: number): Promise<void> {
  const batch = db.batch();
  for (let i = 1; i <= 3; i += 1) {
    batch.set(
      db.collection('text_notes').doc(`legacy-note-${i}`),
      {
        id: `legacy-note-${i}`,
        user_id: user,
        type: 'diary',
        title: `${CANARY.title} ${i}`,
        content: `${CANARY.content} ${i}`,
        tags: null,
        mood: null,
        created_at: now - i,
        updated_at: now - i,
        sync_status: 'synced',
        synced_at: now,
        embedding_id: null,
      },
      { merge: true },
    );
  }
  // A date written as a Date object (a Firestore timestamp), as model getters would give it.
  batch.set(
    db.collection('health_data').doc('legacy-reading'),
    {
      user_id: user,
      data_type: 'steps',
      value: 4321,
      unit: 'count',
      source: 'phone',
      recorded_at: new Date(now - 60_000),
      created_at: now,
      updated_at: now,
      sync_status: 'pending',
    },
    { merge: true },
  );
  // Another tool's write that would not fit even adopted: `type` is a number.
  batch.set(db.collection('text_notes').doc('legacy-malformed'), {
    user_id: user,
    type: 42,
    content: CANARY.malformed,
    created_at: now,
    updated_at: now,
  });
  // Someone else's legacy document: never counted for this user.
  batch.set(db.collection('text_notes').doc(`legacy-other-${user}`), {
    user_id: `${user}-other`,
    type: 'diary',
    content: 'not this user',
    created_at: now,
    updated_at: now,
  });
  await batch.commit();
}

describe('documents the pull cannot see: reported by sync and status, adopted by `adopt`', () => {
  const tempDir = useTempDir('adopt-');

  it('legacy documents are named by id, keep status off Synced, and sync to the device once adopted; a malformed one stays reported', {
    timeout: 180_000,
  }, async () => {
    const dataDir = tempDir();
    const user = uniqueUserId('legacy');
    const outputs: string[] = [];
    const cli = async (args: string[], expectCode = 0): Promise<CliResult> => {
      const result = await runCli([
        ...backendArgs(),
        '--data-dir',
        dataDir,
        '--user',
        user,
        ...args,
      ]);
      outputs.push(result.stdout, result.stderr);
      expect(result.code, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(expectCode);
      return result;
    };
    const json = async (args: string[], expectCode = 0) =>
      JSON.parse((await cli(['--json', ...args], expectCode)).stdout).result;

    await cli(['--device', 'phone', 'seed', '--text', '1']);
    await cli(['--device', 'phone', 'sync']);
    const admin = testClients('adopt-test');
    const now = Date.now();
    try {
      await writeAppOriginalFormat(admin.firestore, user, now);

      // The device sees none of them, and says so by id.
      const first = await json(['--device', 'phone', 'sync']);
      expect(first.pulled).toBe(0);
      expect(first.unseen).toBe(5);
      expect(first.collections.text_notes.unseen).toEqual({
        count: 4,
        ids: ['legacy-malformed', 'legacy-note-1', 'legacy-note-2', 'legacy-note-3'],
      });
      expect(first.collections.health_data.unseen).toEqual({ count: 1, ids: ['legacy-reading'] });
      expect(first.collections.voice_notes.unseen).toEqual({ count: 0, ids: [] });
      const text = await cli(['--device', 'phone', 'sync']);
      expect(text.stdout).toMatch(/5 document\(s\) of .* outside the pull's order/);
      expect(text.stdout).toMatch(
        /text_notes +4: legacy-malformed, legacy-note-1, legacy-note-2, legacy-note-3/,
      );

      // status: not Synced while they exist.
      const status = await json(['--device', 'phone', 'status']);
      expect(status.pendingCount).toBe(0);
      expect(status.unseenCount).toBe(5);
      expect(status.indicator).toBe('5 unseen');
      const statusText = await cli(['--device', 'phone', 'status']);
      expect(statusText.stdout).toMatch(/: 5 unseen\n/);
      expect(statusText.stdout).not.toMatch(/Synced/);
      expect(statusText.stdout).toMatch(/health_data +1: legacy-reading/);

      // A dry run lists what it would do and writes nothing.
      const before = await admin.firestore.collection('text_notes').doc('legacy-note-1').get();
      const dry = await json(['adopt', '--dry-run'], 1);
      expect(dry).toMatchObject({ dryRun: true, unseen: 5, adopted: 4, unfit: 1 });
      expect(dry.collections.text_notes.adopted[0]).toEqual({
        id: 'legacy-note-1',
        removed: ['id', 'sync_status', 'synced_at'],
        converted: [],
      });
      expect(dry.collections.health_data.adopted[0]).toEqual({
        id: 'legacy-reading',
        removed: ['sync_status'],
        converted: ['recorded_at'],
      });
      expect(dry.collections.text_notes.unfit).toEqual([
        {
          id: 'legacy-malformed',
          problem: 'text_notes/legacy-malformed: field type should be a string, is a number',
        },
      ]);
      const after = await admin.firestore.collection('text_notes').doc('legacy-note-1').get();
      expect(after.updateTime?.isEqual(before.updateTime!)).toBe(true);
      expect((await json(['--device', 'phone', 'sync'])).unseen).toBe(5);

      // Adoption, then the next sync pulls them all; the malformed one stays reported.
      const adopted = await json(['adopt'], 1);
      expect(adopted).toMatchObject({ dryRun: false, unseen: 5, adopted: 4, unfit: 1 });
      const doc = (
        await admin.firestore.collection('text_notes').doc('legacy-note-2').get()
      ).data()!;
      expect(doc[META.device]).toBe('adopt');
      expect(doc[META.deleted]).toBe(false);
      expect(doc.sync_status).toBeUndefined();
      expect(doc.id).toBeUndefined();
      const pulled = await json(['--device', 'phone', 'sync']);
      expect(pulled.pulled).toBe(4);
      expect(pulled.unseen).toBe(1);
      expect(pulled.collections.text_notes.unseen).toEqual({ count: 1, ids: ['legacy-malformed'] });
      expect((await json(['--device', 'phone', 'status'])).indicator).toBe('1 unseen');

      // A second run adopts nothing more.
      const again = await json(['adopt'], 1);
      expect(again).toMatchObject({ unseen: 1, adopted: 0, unfit: 1 });
    } finally {
      await admin.close();
    }

    // What the device holds: the adopted records, values intact, dates as epoch milliseconds.
    const opened = await openDatabase(`sqlite:${deviceDatabasePath(dataDir, user, 'phone')}`);
    try {
      const note = await opened.database.get('text_notes').find('legacy-note-3');
      const raw = note._raw as unknown as Record<string, unknown>;
      expect(raw).toMatchObject({ content: `${CANARY.content} 3`, sync_status: 'synced' });
      const reading = await opened.database.get('health_data').find('legacy-reading');
      expect((reading._raw as unknown as Record<string, unknown>).recorded_at).toBe(now - 60_000);
    } finally {
      await opened.close();
    }

    const all = outputs.join('\n');
    for (const value of Object.values(CANARY)) expect(all).not.toContain(value);
  });

  it('watch names the documents the pull cannot see, those there before it began and those written while it runs', {
    timeout: 60_000,
  }, async () => {
    const user = uniqueUserId('watch-legacy');
    const admin = testClients('adopt-watch');
    const legacy = (content: string) => ({
      user_id: user,
      type: 'diary',
      content,
      created_at: 1,
      updated_at: 1,
      sync_status: 'synced',
    });
    try {
      await admin.firestore.collection('text_notes').doc('old-one').set(legacy(CANARY.content));
      const child = startCli([...backendArgs(), '--user', user, '--json', 'watch', '--for', '4s']);
      const finished = collect(child, 30_000);
      await new Promise<void>((resolve) => {
        child.stderr?.on('data', (d) => {
          if (/Watching /.test(String(d))) resolve();
        });
      });
      await admin.firestore
        .collection('text_notes')
        .doc('new-one')
        .set(legacy(CANARY.title), { merge: true });
      const result = await finished;
      expect(result.code, result.stderr).toBe(0);
      const watched = JSON.parse(result.stdout).result;
      expect(watched.unseen.text_notes).toEqual({ count: 2, ids: ['new-one', 'old-one'] });
      expect(watched.events).toEqual([
        expect.objectContaining({ collection: 'text_notes', id: 'new-one', pullable: false }),
      ]);
      for (const value of Object.values(CANARY)) expect(result.stdout).not.toContain(value);
    } finally {
      await admin.close();
    }
  });
});
