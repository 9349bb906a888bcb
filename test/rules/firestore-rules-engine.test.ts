import { assertSucceeds } from '@firebase/rules-unit-testing';
import {
  type DocumentData,
  deleteField,
  doc,
  type Firestore,
  getDoc,
  serverTimestamp,
  setDoc,
  setLogLevel,
  Timestamp,
  writeBatch,
} from 'firebase/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVICES_COLLECTION,
  documentWrite,
  progressDocument,
  type WriteSentinels,
} from '../../src/adapters/firestore-remote';
import { DATA_TABLES, type DataTable } from '../../src/db/schema-current';
import { DataGenerator } from '../../src/simulate/data-generator';
import type { RemoteStore, RemoteWrite } from '../../src/sync/remote-store';
import { SyncManager, type SyncManagerOptions } from '../../src/sync/sync-manager';
import type { Version } from '../../src/sync/version';
import { META, type Values } from '../../src/sync/wire-format';
import { testClients, uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import {
  firestoreOf,
  type RulesTestEnvironment,
  startRulesEnvironment,
} from '../helpers/rules-env';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The documents the real sync engine writes pass firestore.rules: two devices of one user create,
 * edit (narrow edits, a merged conflict, a field set to null), and delete records of every
 * collection, with their files uploaded; every write the engine committed (and every progress
 * report) is then replayed, in order and batch by batch, through the client SDK as that user
 * against a rules project, built by the engine's own documentWrite()/progressDocument() with the
 * client SDK's sentinels. Every replayed batch must be allowed, and the replayed documents must
 * end up equal to the engine's.
 */

type Captured =
  | { kind: 'commit'; table: DataTable; deviceId: string; writes: RemoteWrite[] }
  | {
      kind: 'progress';
      userId: string;
      deviceId: string;
      pulledThrough: Partial<Record<DataTable, Version>>;
    };

/** Records what the engine committed (only the writes the server accepted). */
function capturing(real: RemoteStore, log: Captured[]): RemoteStore {
  return {
    pullPage: (table, userId, after, limit) => real.pullPage(table, userId, after, limit),
    getMany: (table, ids) => real.getMany(table, ids),
    async commit(table, writes, deviceId) {
      const snapshot = structuredClone(writes);
      const outcomes = await real.commit(table, writes, deviceId);
      const written = snapshot.filter((_, i) => outcomes[i].status === 'written');
      if (written.length > 0) log.push({ kind: 'commit', table, deviceId, writes: written });
      return outcomes;
    },
    async reportProgress(userId, deviceId, pulledThrough) {
      await real.reportProgress(userId, deviceId, pulledThrough);
      log.push({ kind: 'progress', userId, deviceId, pulledThrough: { ...pulledThrough } });
    },
  };
}

const CLIENT_SENTINELS: WriteSentinels = { serverTimestamp, deleteField };

/** Data fields of a document, with timestamps made comparable across the two projects. */
function comparable(data: DocumentData | undefined): DocumentData | undefined {
  if (!data) return data;
  const out: DocumentData = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === META.serverTime) out[key] = 'server time';
    else if (key === META.fieldTimes) out[key] = Object.keys(value as object).sort();
    else out[key] = value;
  }
  return out;
}

describe('the documents the sync engine writes pass firestore.rules', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite', strategy: 'merge' });
  let env: RulesTestEnvironment;

  beforeAll(async () => {
    setLogLevel('silent');
    env = await startRulesEnvironment('demo-personalai-rules-engine');
  });
  afterAll(async () => {
    await env?.clearFirestore();
    await env?.cleanup();
  });

  it('a device id the rules would refuse (_device, sync_devices/{user}:{device}) is refused up front', () => {
    for (const deviceId of ['', 'a/b', 'x'.repeat(129), '..', 'with space']) {
      expect(
        () => new SyncManager({ deviceId } as SyncManagerOptions),
        JSON.stringify(deviceId),
      ).toThrow(/Device id .* is not allowed/);
    }
  });

  it('replays creates, narrow and merged updates, nulls, tombstones, restores and progress reports of every collection', async () => {
    const user = uniqueUserId('engine');
    const log: Captured[] = [];
    const a = await device(user, 'phone', {
      withMedia: true,
      wrapRemote: (real) => capturing(real, log),
    });
    const b = await device(user, 'tablet', {
      withMedia: true,
      wrapRemote: (real) => capturing(real, log),
    });
    const generator = new DataGenerator({
      seed: 7,
      mediaDir: tempDir(),
      photo: { width: 64, height: 48 },
    });
    try {
      const ids = {} as Record<DataTable, string[]>;
      const at = Date.UTC(2026, 0, 1);
      for (const table of DATA_TABLES) {
        const rows = [];
        for (let i = 0; i < 4; i += 1) rows.push(await generator.record(table, at + i));
        ids[table] = await a.sync.store.create(table, rows);
      }
      // Created and deleted before it ever synced: a tombstone create.
      for (const table of DATA_TABLES) await a.sync.store.delete(table, [ids[table][3]]);
      await a.sync.syncAll();
      await b.sync.syncAll();

      // Narrow edits on both devices of the same record (different fields: merged), and a
      // field set to null.
      const edits: Record<DataTable, [Partial<Values>, Partial<Values>]> = {
        health_data: [{ value: 42 }, { unit: 'kcal', metadata: null }],
        location_data: [{ accuracy: 1.5 }, { place_name: 'Home', is_visit: true }],
        voice_notes: [{ title: 'Edited on the phone' }, { transcription: null, tags: '["x"]' }],
        text_notes: [
          { content: 'Edited on the phone' },
          { title: 'Edited on the tablet', mood: null },
        ],
        photo_memories: [{ caption: 'Edited on the phone' }, { latitude: null, longitude: null }],
      };
      for (const table of DATA_TABLES) {
        await a.sync.store.update(table, ids[table][0], edits[table][0]);
        await b.sync.store.update(table, ids[table][0], edits[table][1]);
        await b.sync.store.update(table, ids[table][1], edits[table][1]);
      }
      await a.sync.syncAll();
      const merged = await b.sync.syncAll(); // b's edits of record 0 conflict, then merge
      expect(merged.conflicts.map((c) => c.outcome)).toContain('merged');
      await a.sync.syncAll();

      // Deletions of synced records: tombstone updates. Record 1 is edited on the tablet
      // meanwhile: its later edit wins the merge and restores the record over the tombstone
      // (a full update of a tombstone).
      for (const table of DATA_TABLES) {
        await a.sync.store.delete(table, [ids[table][2], ids[table][1]]);
        await b.sync.store.update(table, ids[table][1], edits[table][0]);
      }
      await a.sync.syncAll();
      const restored = await b.sync.syncAll();
      expect(restored.conflicts.filter((c) => c.outcome === 'restored').length).toBe(
        DATA_TABLES.length,
      );
      await a.sync.syncAll();

      // What was captured covers every kind of write in every collection.
      const writes = log.flatMap((c) =>
        c.kind === 'commit' ? c.writes.map((w) => ({ table: c.table, write: w })) : [],
      );
      for (const table of DATA_TABLES) {
        const mine = writes.filter((w) => w.table === table).map((w) => w.write);
        expect(mine.filter((w) => w.expected === null && !w.deleted).length, table).toBe(3);
        expect(mine.filter((w) => w.expected === null && w.deleted).length, table).toBe(1);
        expect(mine.filter((w) => w.expected !== null && w.deleted).length, table).toBe(2);
        const restore = mine.find(
          (w) =>
            w.id === ids[table][1] &&
            w.expected !== null &&
            !w.deleted &&
            Object.keys(w.set).length === Object.keys(mine[0].set).length,
        );
        expect(restore, `${table}: a full update restoring the tombstone`).toBeDefined();
        expect(
          mine.filter((w) => w.expected !== null && !w.deleted).length,
          table,
        ).toBeGreaterThanOrEqual(3);
      }
      expect(log.some((c) => c.kind === 'progress')).toBe(true);

      // Replay, batch by batch, as the user, against the rules.
      const client: Firestore = firestoreOf(env.authenticatedContext(user));
      let replayed = 0;
      for (const entry of log) {
        if (entry.kind === 'progress') {
          const progress = progressDocument(
            entry.userId,
            entry.deviceId,
            entry.pulledThrough,
            CLIENT_SENTINELS,
          );
          await assertSucceeds(
            setDoc(doc(client, DEVICES_COLLECTION, progress.id), progress.data, { merge: true }),
          );
          replayed += 1;
          continue;
        }
        const batch = writeBatch(client);
        for (const write of entry.writes) {
          const built = documentWrite(write, entry.deviceId, CLIENT_SENTINELS);
          const ref = doc(client, entry.table, built.id);
          if (built.kind === 'create') batch.set(ref, built.data);
          else batch.update(ref, built.data);
        }
        await assertSucceeds(batch.commit());
        replayed += entry.writes.length;
      }
      expect(replayed).toBeGreaterThan(DATA_TABLES.length * 8);

      // The replay reproduced the engine's documents (server times aside).
      const admin = testClients('rules-engine');
      try {
        for (const table of DATA_TABLES) {
          for (const id of ids[table]) {
            const engine = (await admin.firestore.collection(table).doc(id).get()).data();
            const rules = (await getDoc(doc(client, table, id))).data();
            expect(comparable(rules), `${table}/${id}`).toEqual(comparable(engine));
            expect(rules?.[META.serverTime]).toBeInstanceOf(Timestamp);
          }
        }
      } finally {
        await admin.close();
      }
    } finally {
      await closeAll();
    }
  });
});
