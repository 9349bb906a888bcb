import { Q } from '@nozbe/watermelondb';
import { FieldValue, type Firestore, Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { rawOf } from '../../src/db/raw-update';
import { PARKED_AT } from '../../src/sync/queue';
import type { SyncResult } from '../../src/sync/sync-manager';
import { syncedColumnNames } from '../../src/sync/wire-format';
import { TIME_MAX } from '../../src/sync/wire-limits';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type AdapterKind, type TestDevice, useDevices } from '../helpers/device';
import { deviceSnapshot, statusesOf } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Malformed remote data (deliverable 4 of the security issue), against the real emulator: a
 * page mixing good and bad documents of one user is pulled by a fresh device. Every good one is
 * applied with its exact values; every bad one is quarantined whole (counted, reported by id,
 * the message naming the field and never the value); the sync ends, and the next one too.
 * The push side: a record over a wire bound or over Firestore's 1 MiB is parked in `error`
 * before it is sent, and the rest of its chunk is written.
 *
 * Every bad value below contains SECRET (or is a distinctive number) so that a message
 * repeating it is caught.
 */
const SECRET = 'SECRET';
const STAMP = FieldValue.serverTimestamp();

type Doc = Record<string, unknown>;

function note(user: string, extra: Doc = {}): Doc {
  return {
    user_id: user,
    type: 'thought',
    title: 'a title',
    content: 'some content',
    tags: '["a","b"]',
    mood: 'calm',
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_001,
    embedding_id: null,
    _server_time: STAMP,
    _device: 'writer',
    _deleted: false,
    ...extra,
  };
}

function without(doc: Doc, field: string): Doc {
  const { [field]: _, ...rest } = doc;
  return rest;
}

interface BadDoc {
  data: Doc;
  /** What the report must name. */
  field: RegExp;
  /** Strings the report must not contain (the bad value, as it would print). */
  secret: string[];
}

function goodDocs(user: string): Record<string, Doc> {
  return {
    'g-1': note(user),
    // Optional fields null or absent.
    'g-3': without(without(note(user, { title: null, tags: null }), 'mood'), 'embedding_id'),
    // Huge but within every bound: 500,000 two-byte characters (about 1 MB, under 1 MiB).
    'g-5': note(user, { type: 'diary', content: 'é'.repeat(500_000) }),
    // The bounds themselves, non-BMP text.
    'g-7': note(user, {
      content: '🦊 naïve — 東京 \u0000 end',
      title: 'x'.repeat(1_000),
      created_at: 0,
      updated_at: TIME_MAX,
    }),
  };
}

function badDocs(user: string): Record<string, BadDoc> {
  return {
    'b-missing': { data: without(note(user), 'content'), field: /content/, secret: [] },
    'b-type': {
      data: note(user, { content: 4242.4242 }),
      field: /content/,
      secret: ['4242'],
    },
    'b-map': {
      data: note(user, { content: { [SECRET]: `${SECRET}-nested` } }),
      field: /content/,
      secret: [SECRET],
    },
    'b-huge': {
      data: note(user, { title: SECRET.repeat(200) }), // 1,200 characters, limit 1,000
      field: /title/,
      secret: [SECRET],
    },
    'b-near-mib': {
      // 500,001 two-byte characters: 1,000,002 bytes, under 1 MiB but over the content bound.
      data: note(user, { content: `${SECRET}${'é'.repeat(500_001 - SECRET.length)}` }),
      field: /content/,
      secret: [SECRET, 'éé'],
    },
    'b-unknown': {
      data: note(user, { colour: `${SECRET}-red` }),
      field: /colour/,
      secret: [SECRET],
    },
    'b-newer': {
      // A field a later schema version adds: rewriting the record here would drop it.
      data: note(user, { reminder_at: 1_893_456_000_123 }),
      field: /reminder_at/,
      secret: ['1893456000123'],
    },
    'b-ft': {
      data: note(user, { _ft: { content: `${SECRET}-yesterday` } }),
      field: /_ft/,
      secret: [SECRET],
    },
    'b-ft-map': {
      data: note(user, { _ft: `${SECRET}-not-a-map` }),
      field: /_ft/,
      secret: [SECRET],
    },
    'b-deleted': {
      data: note(user, { _deleted: `${SECRET}-true` }),
      field: /_deleted/,
      secret: [SECRET],
    },
    'b-device': {
      data: note(user, { _device: 777_123 }),
      field: /_device/,
      secret: ['777123'],
    },
    'b-negative-time': {
      data: note(user, { created_at: -5_123 }),
      field: /created_at/,
      secret: ['5123'],
    },
    'b-year-10000': {
      data: note(user, { updated_at: TIME_MAX + 1 }),
      field: /updated_at/,
      secret: [String(TIME_MAX + 1)],
    },
    'b-nan': {
      data: note(user, { updated_at: Number.NaN }),
      field: /updated_at/,
      secret: ['NaN'],
    },
    'b-infinity': {
      data: note(user, { created_at: Number.POSITIVE_INFINITY }),
      field: /created_at/,
      secret: ['Infinity'],
    },
    'b-timestamp-value': {
      data: note(user, { created_at: new Timestamp(1_700_000_000, 5) }),
      field: /created_at/,
      secret: ['1700000000'],
    },
    'b-enum': {
      data: note(user, { type: `${SECRET}-rant` }),
      field: /type/,
      secret: [SECRET],
    },
    'b id!': { data: note(user), field: /document id/, secret: [] },
  };
}

/**
 * Documents whose `_server_time` is not a server timestamp from 1970 on. They have no place in
 * the pull's (server time, id) order: the pull's query asks for timestamps from 1970 on, so they
 * are never returned, never applied, and never reported (Firestore already leaves out a document
 * missing the field). Returned, those sorting before the timestamps (null, numbers, pre-1970)
 * filled a small page with documents that cannot be a cursor, and a fresh device never pulled
 * anything else.
 */
function untimedDocs(user: string): Record<string, Doc> {
  return {
    'u-old': note(user, { _server_time: new Timestamp(-86_400, 0) }),
    'u-bool': note(user, { _server_time: true }),
    'u-string': note(user, { _server_time: `${SECRET}-2026-01-01` }),
    'u-number': note(user, { _server_time: 1_700_000_000 }),
    'u-null': note(user, { _server_time: null }),
    'u-missing': without(note(user), '_server_time'),
  };
}

async function seed(firestore: Firestore, docs: Record<string, Doc>) {
  const batch = firestore.batch();
  for (const [id, data] of Object.entries(docs))
    batch.set(firestore.collection('text_notes').doc(id), data);
  await batch.commit();
}

/** The values a device must hold for a good document (absent optional fields read as null). */
function expectedValues(doc: Doc): Doc {
  return Object.fromEntries(syncedColumnNames('text_notes').map((c) => [c, doc[c] ?? null]));
}

async function syncWithin(device: TestDevice, ms = 30_000): Promise<SyncResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`sync did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([device.sync.syncAll(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function queueRow(device: TestDevice, id: string) {
  const rows = await device.opened.database
    .get('sync_queue')
    .query(Q.where('document_id', id))
    .fetch();
  expect(rows).toHaveLength(1);
  return rawOf(rows[0]);
}

describe.each<AdapterKind>(['sqlite', 'loki'])('malformed remote data on %s', (adapter) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter });

  it.each([
    { pageSize: 1000, label: 'one page' },
    { pageSize: 3, label: 'pages of 3' },
  ])(
    'a $label mixing good and malformed documents: the good ones apply exactly, each bad one is quarantined and reported by id, the sync ends',
    async ({ pageSize }) => {
      const user = uniqueUserId();
      const good = goodDocs(user);
      const bad = badDocs(user);
      const untimed = untimedDocs(user);
      const { firestore, close } = testClients();
      try {
        await seed(firestore, {
          ...good,
          ...Object.fromEntries(Object.entries(bad).map(([id, b]) => [id, b.data])),
          ...untimed,
        });
      } finally {
        await close();
      }
      const a = await device(user, 'fresh', { pageSize });
      try {
        const first = await syncWithin(a);
        expect(first.started).toBe(true);
        const stats = first.collections.text_notes!;

        // Every good document, with its exact values; nothing else.
        const local = (await deviceSnapshot(a, ['text_notes'])).text_notes;
        expect(Object.keys(local).sort()).toEqual(Object.keys(good).sort());
        for (const [id, doc] of Object.entries(good))
          expect(local[id]).toEqual(expectedValues(doc));
        expect(Object.values(await statusesOf(a, 'text_notes'))).toEqual(
          Object.keys(good).map(() => 'synced'),
        );
        expect(stats.pulled).toBe(Object.keys(good).length);

        // Every bad one reported once, by id, naming the field and never the value.
        const reports = first.errors.filter((e) => e.kind === 'quarantined');
        expect(reports.map((e) => e.documentId).sort()).toEqual(Object.keys(bad).sort());
        expect(stats.quarantined).toBe(Object.keys(bad).length);
        for (const report of reports) {
          const expected = bad[report.documentId!];
          expect(report.collection).toBe('text_notes');
          expect(report.error).toMatch(expected.field);
          for (const secret of expected.secret) expect(report.error).not.toContain(secret);
          expect(report.error.length).toBeLessThan(500);
        }
        // Untimed documents are outside the pull's order: not applied, not counted.
        for (const id of Object.keys(untimed)) expect(local[id]).toBeUndefined();
        // Quarantine is not a failure of this device: nothing of its own is left to do.
        expect(first.failed).toBe(0);
        expect(first.errors.filter((e) => e.kind !== 'quarantined')).toEqual([]);

        // The next sync ends and finds nothing new: the cursor moved past every bad document.
        const second = await syncWithin(a);
        expect(second.collections.text_notes!.quarantined).toBe(0);
        expect(second.collections.text_notes!.pulled).toBe(0);
        expect(Object.keys((await deviceSnapshot(a, ['text_notes'])).text_notes).sort()).toEqual(
          Object.keys(good).sort(),
        );
      } finally {
        await closeAll();
      }
    },
  );

  it('a record whose remote document turns malformed: the pull leaves the local record alone, a local edit is parked instead of written over it', async () => {
    const user = uniqueUserId();
    const a = await device(user, 'holder');
    const { firestore, close } = testClients();
    try {
      const [wrongType, newer] = await a.sync.store.create('text_notes', [
        { type: 'thought', content: 'mine', title: null },
        { type: 'thought', content: 'mine too', title: null },
      ]);
      expect((await syncWithin(a)).success).toBe(true);
      // Another writer (a buggy client, a newer app version) changes both documents.
      const notes = firestore.collection('text_notes');
      await notes.doc(wrongType).update({ content: 4242.4242, _server_time: STAMP, _device: 'x' });
      await notes
        .doc(newer)
        .update({ reminder_at: 1_893_456_000_123, _server_time: STAMP, _device: 'x' });
      await a.sync.store.update('text_notes', wrongType, { content: 'edited here' });
      await a.sync.store.update('text_notes', newer, { content: 'edited here too' });

      const result = await syncWithin(a);
      const quarantined = result.errors.filter((e) => e.kind === 'quarantined');
      expect(quarantined.map((e) => e.documentId).sort()).toEqual([wrongType, newer].sort());
      // The push meets the same documents (its precondition fails) and parks the edits.
      const parked = result.errors.filter((e) => e.kind === 'permanent');
      expect(parked.map((e) => e.documentId).sort()).toEqual([wrongType, newer].sort());
      for (const e of [...quarantined, ...parked]) {
        expect(e.error).not.toContain('4242');
        expect(e.error).not.toContain('1893456000123');
      }
      expect(parked.find((e) => e.documentId === wrongType)!.error).toMatch(/content/);
      expect(parked.find((e) => e.documentId === newer)!.error).toMatch(/reminder_at/);

      // The local edits are kept (in error, to retry once the document is fixed) ...
      const statuses = await statusesOf(a, 'text_notes');
      expect([statuses[wrongType], statuses[newer]]).toEqual(['error', 'error']);
      const local = (await deviceSnapshot(a, ['text_notes'])).text_notes;
      expect(local[wrongType].content).toBe('edited here');
      expect(local[newer].content).toBe('edited here too');
      // ... and the server's documents are as the other writer left them.
      expect((await notes.doc(wrongType).get()).get('content')).toBe(4242.4242);
      const newerDoc = (await notes.doc(newer).get()).data()!;
      expect(newerDoc.reminder_at).toBe(1_893_456_000_123);
      expect(newerDoc.content).toBe('mine too');

      const again = await syncWithin(a);
      expect(again.failed).toBe(0);
    } finally {
      await close();
      await closeAll();
    }
  });

  it('a record over a wire bound or over 1 MiB is parked in error before the push; the rest of its chunk is written', async () => {
    const user = uniqueUserId();
    const a = await device(user, 'pusher');
    try {
      const rows = [
        { type: 'thought', content: 'fine 1', title: null },
        // 400,000 three-byte characters: 1.2 MB, within the 500,000-character bound.
        { type: 'diary', content: '€'.repeat(400_000), title: 'too big' },
        { type: 'thought', content: 'fine 2', title: null },
        // 1,001 characters: over the title bound (1,000).
        { type: 'thought', content: 'fine otherwise', title: 't'.repeat(1_001) },
        { type: 'thought', content: 'fine 3', title: null },
      ];
      const ids = await a.sync.store.create('text_notes', rows);
      const [ok1, tooBig, ok2, tooLong, ok3] = ids;
      const result = await syncWithin(a);
      expect(result.pushed).toBe(3);
      expect(result.failed).toBe(2);

      const statuses = await statusesOf(a, 'text_notes');
      expect([statuses[ok1], statuses[ok2], statuses[ok3]]).toEqual(['synced', 'synced', 'synced']);
      expect(statuses[tooBig]).toBe('error');
      expect(statuses[tooLong]).toBe('error');

      const big = result.errors.find((e) => e.documentId === tooBig)!;
      expect(big).toMatchObject({ kind: 'permanent', code: 'document-too-large' });
      const long = result.errors.find((e) => e.documentId === tooLong)!;
      expect(long).toMatchObject({ kind: 'permanent', code: 'invalid-record' });

      const bigRow = await queueRow(a, tooBig);
      expect(bigRow.scheduled_at).toBe(PARKED_AT);
      expect(JSON.parse(bigRow.data as string).parked).toBe(true);
      // What to fix: the field and its size, the limit; never the value.
      expect(bigRow.last_error).toMatch(/document-too-large/);
      expect(bigRow.last_error).toMatch(/1 MiB/);
      expect(bigRow.last_error).toMatch(/content \(1,200,000 bytes\)/);
      expect(bigRow.last_error).not.toContain('€€');

      const longRow = await queueRow(a, tooLong);
      expect(longRow.scheduled_at).toBe(PARKED_AT);
      expect(longRow.last_error).toMatch(/title is 1001 characters long \(limit 1000\)/);
      expect(longRow.last_error).not.toContain('tttt');

      // Nothing of the bad ones reached the server.
      const { firestore, close } = testClients();
      try {
        for (const id of [tooBig, tooLong])
          expect((await firestore.collection('text_notes').doc(id).get()).exists).toBe(false);
        for (const id of [ok1, ok2, ok3])
          expect((await firestore.collection('text_notes').doc(id).get()).exists).toBe(true);
      } finally {
        await close();
      }

      // Parked: the next sync neither retries them nor fails again.
      const second = await syncWithin(a);
      expect(second.failed).toBe(0);
      expect((await statusesOf(a, 'text_notes'))[tooBig]).toBe('error');
    } finally {
      await closeAll();
    }
  });
});
