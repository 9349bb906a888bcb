import { type DocumentReference, Timestamp } from 'firebase-admin/firestore';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { ADMIN_SENTINELS } from '../adapters/firestore-remote';
import { documentWrite } from '../sync/document-write';
import type { RemoteWrite } from '../sync/remote-store';
import { KNOB_DEFAULTS } from '../sync/sync-knobs';
import { encodeVersion, type Version } from '../sync/version';
import { META } from '../sync/wire-format';
import { BENCH_USER, openBenchDevice } from './bench-device';
import type { Figure } from './figure';
import { BENCH_PROJECT } from './fresh-emulator';
import { measure } from './measure';
import { benchRows, wireDocument } from './records';

/**
 * Push of edits: N records already on the server, each edited once (one field, `embedding_id`,
 * and `updated_at`, which every edit moves), pushed as updates. The engine beside the protocol
 * ceiling for updates: an update must state the version it is based on, so it is read first and
 * committed with the exact-update-time precondition, stamps `_ft` for each changed field, and
 * has its new version read back, from one document per commit as they all carry the commit's
 * time (docs/wire-format.md, "Push"); on the emulator that costs about 1.4× a `set`, against
 * ~1.1× for a create. Not measured: putting the records there.
 */

/** The edit each record gets (the same on both sides). */
function edit(i: number): { embedding_id: string } {
  return { embedding_id: `emb-${i}` };
}

/** The engine: create N, sync them (and pull their echoes), edit each once, then the timed pass. */
export async function pushUpdatesOurs(
  endpoint: string,
  dir: string,
  n: number,
): Promise<Figure & { note: string }> {
  const device = await openBenchDevice({ dir, name: 'editor', firestore: endpoint });
  try {
    const created: Array<{ table: (typeof rows)[number]['table']; ids: string[] }> = [];
    const rows = benchRows(n);
    for (const { table, rows: list } of rows)
      created.push({ table, ids: await device.sync.store.create(table, list) });
    const first = await device.sync.syncAll();
    if (first.pushed !== n)
      throw new Error(`push of edits: seeding pushed ${first.pushed} of ${n}`);
    // A second pass pulls the device's own writes back, so the timed pass pulls nothing new.
    await device.sync.syncAll();
    for (const { table, ids } of created)
      await device.sync.store.updateMany(
        table,
        ids.map((id, i) => ({ id, changes: edit(i) })),
      );
    const run = await measure(() => device.sync.syncAll());
    if (run.value.pushed !== n || run.value.failed > 0 || run.value.conflicts.length > 0)
      throw new Error(
        `push of edits: ${run.value.pushed} of ${n} pushed, ${run.value.failed} failed, ${run.value.conflicts.length} conflicts`,
      );
    // The timed pass is a whole sync: its pull reads the device's own writes of the seeding
    // passes again (inside the late-write window, src/sync/checkpoint.ts; by version only, the
    // known window of src/sync/pull.ts), which the protocol contender does not. Said beside the
    // figure, with the count.
    const echoes = Object.values(run.value.collections).reduce((k, c) => k + (c?.echoes ?? 0), 0);
    return {
      records: n,
      ms: run.ms,
      peakRssMB: run.peakRssMB,
      note: `a whole pass: its pull read ${echoes.toLocaleString('en-US')} of its own writes again by version (late-write window)`,
    };
  } finally {
    await device.close();
  }
}

/**
 * The protocol ceiling for updates: firebase-admin doing what the engine's remote must for each
 * chunk of edits, and nothing else: read the documents (`getAll`), check each one's version is
 * the one the edit is based on, commit the updates shaped by the engine's `documentWrite` (its
 * `_ft` stamps and server timestamps) with `lastUpdateTime` preconditions, read the new version
 * back from one document. Engine batch size and commits in flight.
 */
export async function protocolUpdates(
  endpoint: string,
  n: number,
  tuning: { batchSize?: number; maxInFlight?: number } = {},
): Promise<Figure> {
  const batchSize = tuning.batchSize ?? KNOB_DEFAULTS.batchSize;
  const limit = tuning.maxInFlight ?? KNOB_DEFAULTS.maxInFlight;
  const clients = createFirebaseClients(
    { projectId: BENCH_PROJECT, firestore: endpoint },
    'protocol-updates',
  );
  const db = clients.firestore;
  const now = Date.now();
  const id = (table: string, i: number) => `protocol-${table}-${i}`;
  try {
    // Not timed: the documents, created as the engine creates them, and the versions they got.
    const versions = new Map<string, Version>();
    for (const { table, rows } of benchRows(n))
      for (let start = 0; start < rows.length; start += batchSize) {
        const batch = db.batch();
        const refs = rows.slice(start, start + batchSize).map((row, k) => {
          const doc = documentWrite(
            {
              id: id(table, start + k),
              expected: null,
              set: wireDocument(table, row, BENCH_USER, now),
              remove: [],
              deleted: false,
              changed: [],
            },
            'protocol',
            ADMIN_SENTINELS,
          );
          const ref = db.collection(table).doc(doc.id);
          batch.create(ref, doc.data);
          return ref;
        });
        await batch.commit();
        for (const snapshot of await db.getAll(...refs, { fieldMask: [META.serverTime] }))
          versions.set(snapshot.ref.path, versionOf(snapshot.get(META.serverTime)));
      }
    const later = now + 1000;
    const run = await measure(async () => {
      const inFlight: Promise<unknown>[] = [];
      for (const { table, rows } of benchRows(n)) {
        for (let start = 0; start < rows.length; start += batchSize) {
          const refs: DocumentReference[] = [];
          const writes: RemoteWrite[] = [];
          for (let i = start; i < Math.min(rows.length, start + batchSize); i += 1) {
            const ref = db.collection(table).doc(id(table, i));
            refs.push(ref);
            const set = { ...edit(i), updated_at: later };
            writes.push({
              id: ref.id,
              expected: versions.get(ref.path)!,
              set,
              remove: [],
              deleted: false,
              changed: Object.keys(set),
            });
          }
          inFlight.push(commitUpdates(db, refs, writes));
          if (inFlight.length >= limit) await inFlight.shift();
        }
      }
      await Promise.all(inFlight);
    });
    return { records: n, ms: run.ms, peakRssMB: run.peakRssMB };
  } finally {
    await clients.close();
  }
}

async function commitUpdates(
  db: FirebaseFirestore.Firestore,
  refs: DocumentReference[],
  writes: RemoteWrite[],
): Promise<void> {
  const current = await db.getAll(...refs);
  const batch = db.batch();
  current.forEach((snapshot, i) => {
    if (!snapshot.exists || versionOf(snapshot.get(META.serverTime)) !== writes[i].expected)
      throw new Error(`protocol updates: ${snapshot.ref.path} is not at the version read`);
    const doc = documentWrite(writes[i], 'protocol', ADMIN_SENTINELS);
    batch.update(refs[i], doc.data, { lastUpdateTime: snapshot.updateTime! });
  });
  await batch.commit();
  // Every write of the commit carries its time: one document tells the version of all.
  await db.getAll(refs[0], { fieldMask: [META.serverTime] });
}

function versionOf(value: unknown): Version {
  if (!(value instanceof Timestamp)) throw new Error('protocol updates: no server time');
  return encodeVersion(value);
}
