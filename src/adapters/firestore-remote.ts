import {
  type DocumentSnapshot,
  FieldPath,
  FieldValue,
  type Firestore,
  Timestamp,
  type WriteBatch,
  type WriteResult,
} from 'firebase-admin/firestore';
import type { DataTable } from '../db/schema-current';
import { decodeDocument, hasPullableServerTime } from '../sync/decode-document';
import { casHolds, documentWrite, type WriteSentinels } from '../sync/document-write';
import type {
  PullCursor,
  PulledDoc,
  PulledPage,
  PulledVersion,
  PulledVersions,
  RemoteStore,
  RemoteWrite,
  UnseenDocs,
  WriteOutcome,
} from '../sync/remote-store';
import { decodeVersion, encodeVersion, type Version } from '../sync/version';
import { META, type RemoteDoc } from '../sync/wire-format';
import { isClosedClient } from './firebase-clients';

/** gRPC codes of a batch that failed because some write's precondition did not hold. */
const PRECONDITION_CODES = new Set([
  5 /* NOT_FOUND */, 6 /* ALREADY_EXISTS */, 9 /* FAILED_PRECONDITION */,
]);
const MAX_PRECONDITION_ROUNDS = 4;

// The document shaping moved to src/sync/document-write.ts (pure, no SDK: the app kit uses it
// too); re-exported here for the modules and tests that import it from this file.
export {
  casHolds,
  type DocumentWrite,
  documentWrite,
  type WriteSentinels,
} from '../sync/document-write';

/** One document per device of a user: how far it has pulled (see tombstone-purge.ts). */
export const DEVICES_COLLECTION = 'sync_devices';

/**
 * RemoteStore over firebase-admin. Writes go in one atomic WriteBatch (one commit for up to 500
 * records), each update conditioned on the exact update time of the version it assumes (read
 * just before with getAll(); see commit). If any precondition fails the batch writes nothing; the
 * current documents are then read again, the writes that really conflict are taken out and
 * returned as conflicts, and the rest is committed again.
 */
export class FirestoreRemote implements RemoteStore {
  /** Calls not settled yet, abandoned ones included (a deadline gave up on them). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly db: Firestore) {
    // Every call is tracked until it settles, so that closing the device can wait for them.
    for (const name of [
      'pullPage',
      'pullVersions',
      'findUnseen',
      'getMany',
      'commit',
      'reportProgress',
    ] as const) {
      const call = this[name].bind(this) as (...args: unknown[]) => Promise<unknown>;
      (this as Record<string, unknown>)[name] = (...args: unknown[]) => {
        const running = call(...args);
        this.inFlight.add(running);
        const forget = () => this.inFlight.delete(running);
        running.then(forget, forget);
        return running;
      };
    }
  }

  /**
   * Waits, at most `maxMs`, for the calls still running, abandoned ones included. A device
   * closes its client after this: the SDK retries a query that timed out by itself (its
   * deadline is the device's, see firebase-clients.ts), and a retry still scheduled when the
   * client is terminated rejects where nobody listens ("The client has already been
   * terminated", seen in black-hole.yaml).
   */
  async settle(maxMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, maxMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Refuses a call once the client is closed: work abandoned by a device that shut down (a pull
   * retry still scheduled) gets a classified error (CANCELLED) instead of a promise that never
   * settles and an SDK rejection nobody hears.
   */
  private assertOpen(what: string): void {
    if (isClosedClient(this.db))
      throw Object.assign(
        new Error(`CANCELLED: ${what} not sent: this device's Firestore client was closed`),
        { code: 1 },
      );
  }

  async pullPage(
    table: DataTable,
    userId: string,
    after: PullCursor | null,
    limit: number,
  ): Promise<PulledPage> {
    this.assertOpen(`pull ${table}`);
    const snapshot = await this.pullQuery(table, userId, after).limit(limit).get();
    return { docs: snapshot.docs.map(toRemoteDoc), readTime: encodeVersion(snapshot.readTime) };
  }

  /**
   * pullPage's query with a field mask (`_server_time` only) and an upper bound: the server
   * sends no data, and the SDK decodes none (a third to a half of a full page's cost here).
   */
  async pullVersions(
    table: DataTable,
    userId: string,
    after: PullCursor | null,
    through: Version,
    limit: number,
  ): Promise<PulledVersions> {
    this.assertOpen(`pull ${table}`);
    const snapshot = await this.pullQuery(table, userId, after, through)
      .select(META.serverTime)
      .limit(limit)
      .get();
    const docs: PulledVersion[] = [];
    for (const doc of snapshot.docs) {
      const time = asFirestoreTimestamp(doc.get(META.serverTime));
      // The query's range filter matches timestamps only; anything else would not be here.
      if (time) docs.push({ id: doc.id, serverTime: encodeVersion(time) });
    }
    return { docs, readTime: encodeVersion(snapshot.readTime) };
  }

  /**
   * This user's documents in version order after `after`. Only documents whose `_server_time`
   * is a timestamp from 1970 on (Firestore's range filters match one type): anything else (a
   * string, a number, null, missing, pre-1970) has no place in the version order and cannot be a
   * cursor. Ordered first (null, numbers sort before timestamps), a page full of them would end
   * every first pull before the real documents. `through`: none stamped after it.
   */
  private pullQuery(table: DataTable, userId: string, after: PullCursor | null, through?: Version) {
    let query = this.db
      .collection(table)
      .where('user_id', '==', userId)
      .where(META.serverTime, '>=', EPOCH);
    if (through) query = query.where(META.serverTime, '<=', toTimestamp(through));
    query = query.orderBy(META.serverTime).orderBy(FieldPath.documentId());
    if (after?.id) query = query.startAfter(toTimestamp(after.time), after.id);
    else if (after) query = query.startAt(toTimestamp(after.time));
    return query;
  }

  /**
   * Two count() aggregations side by side decide whether there are any (an idle pass pays only
   * these). Listing them reads one field of every document of the user, so it is done only when
   * the counts differ from `previous` (what the last check found): while the same documents stay
   * unseen, each pass costs two counts, not a scan. (If one unseen document replaced another
   * between two checks, the ids shown lag until the counts change; the count is always exact.)
   */
  async findUnseen(
    table: DataTable,
    userId: string,
    maxIds: number,
    previous?: UnseenDocs | null,
  ): Promise<UnseenDocs> {
    this.assertOpen(`unseen check ${table}`);
    const mine = this.db.collection(table).where('user_id', '==', userId);
    const [all, pullable] = await Promise.all([
      mine.count().get(),
      mine.where(META.serverTime, '>=', EPOCH).count().get(),
    ]);
    const counts = { all: all.data().count, pullable: pullable.data().count };
    if (counts.all === counts.pullable) return { count: 0, ids: [], counts };
    if (previous?.counts?.all === counts.all && previous.counts.pullable === counts.pullable)
      return { count: previous.count, ids: previous.ids.slice(0, maxIds), counts };
    const ids = await this.listUnseen(table, userId);
    return { count: ids.length, ids: ids.slice(0, maxIds), counts };
  }

  /**
   * Every unseen id, sorted: reads one field per document of the user and decides by it, so a
   * write landing meanwhile is judged by what is there now.
   */
  async listUnseen(table: DataTable, userId: string): Promise<string[]> {
    const listed = await this.db
      .collection(table)
      .where('user_id', '==', userId)
      .select(META.serverTime)
      .get();
    return listed.docs
      .filter((doc) => !hasPullableServerTime(doc.get(META.serverTime), asFirestoreTimestamp))
      .map((doc) => doc.id)
      .sort();
  }

  async getMany(table: DataTable, ids: string[]): Promise<Map<string, RemoteDoc>> {
    const found = new Map<string, RemoteDoc>();
    if (ids.length === 0) return found;
    this.assertOpen(`read ${table}`);
    const refs = ids.map((id) => this.db.collection(table).doc(id));
    for (const snapshot of await this.db.getAll(...refs)) {
      if (snapshot.exists) found.set(snapshot.id, toRemoteDoc(snapshot));
    }
    return found;
  }

  /**
   * Compare-and-set on `_server_time` (the version, src/sync/version.ts) with firebase-admin's
   * exact precondition: the documents the updates assume are read first, and each update whose
   * `_server_time` is the version it assumes is committed with `lastUpdateTime` = the update time
   * read with it, so nothing can slip in between; the others are conflicts. Creates need no read
   * (`create` fails if the document exists). If a precondition fails anyway (a write in between),
   * the batch wrote nothing: everything is read again and decided again. The versions written are
   * read back (the commit's write times are update times, not `_server_time`).
   */
  async commit(table: DataTable, writes: RemoteWrite[], deviceId: string): Promise<WriteOutcome[]> {
    const outcomes = new Map<string, WriteOutcome>();
    this.assertOpen(`commit ${table}`);
    let current = await this.readCurrent(
      table,
      writes.filter((w) => w.expected !== null).map((w) => w.id),
    );
    let pending = writes;
    for (let round = 0; pending.length > 0; round += 1) {
      const valid = pending.filter((w) => casHolds(w, current.get(w.id)?.doc));
      for (const write of pending)
        if (!valid.includes(write)) outcomes.set(write.id, conflict(write, current));
      if (valid.length === 0) break;
      this.assertOpen(`commit ${table}`);
      try {
        const results = await this.buildBatch(table, valid, deviceId, current).commit();
        const versions = await this.readBack(table, valid, results);
        valid.forEach((write, i) => {
          outcomes.set(write.id, { id: write.id, status: 'written', version: versions[i] });
        });
        pending = [];
      } catch (error) {
        if (!PRECONDITION_CODES.has((error as { code?: number }).code ?? -1)) throw error;
        // Another writer keeps slipping in between the read and the commit: give up after a few
        // rounds, each write a conflict against what was read last.
        if (round + 1 >= MAX_PRECONDITION_ROUNDS) {
          for (const write of valid) outcomes.set(write.id, conflict(write, current));
          break;
        }
        current = await this.readCurrent(
          table,
          valid.map((w) => w.id),
        );
        pending = valid;
      }
    }
    return writes.map((w) => outcomes.get(w.id)!);
  }

  /** The documents as they are now, with the update time each write's precondition states. */
  private async readCurrent(table: DataTable, ids: string[]): Promise<Map<string, ReadDoc>> {
    const found = new Map<string, ReadDoc>();
    if (ids.length === 0) return found;
    const refs = ids.map((id) => this.db.collection(table).doc(id));
    for (const snapshot of await this.db.getAll(...refs)) {
      if (snapshot.exists)
        found.set(snapshot.id, { doc: toRemoteDoc(snapshot), updateTime: snapshot.updateTime! });
    }
    return found;
  }

  /**
   * The version each write made: its document's `_server_time`, read back (one field) when the
   * document's update time is still the commit's write time, i.e. nobody wrote it since; null
   * otherwise, or when the read fails (the write landed; settling copes, see WriteOutcome).
   * Every write of one batch has the batch's one write time and one server timestamp, so the
   * first document, still at the commit's write time, tells the version of all of them; only if
   * another writer has moved it on since are the others read. On the emulator each document read
   * costs about as much as several writes (issue 19).
   */
  private async readBack(
    table: DataTable,
    writes: RemoteWrite[],
    results: WriteResult[],
  ): Promise<(Version | null)[]> {
    const read = async (from: number) => {
      const refs = writes.slice(from).map((w) => this.db.collection(table).doc(w.id));
      const snapshots = await this.db.getAll(...refs, { fieldMask: [META.serverTime] });
      return snapshots.map((snapshot, i) => {
        if (!snapshot.updateTime?.isEqual(results[from + i].writeTime)) return null;
        const stamp = asFirestoreTimestamp(snapshot.get(META.serverTime));
        return stamp ? encodeVersion(stamp) : null;
      });
    };
    if (writes.length === 0) return [];
    try {
      const oneTime = results.every((r) => r.writeTime.isEqual(results[0].writeTime));
      if (!oneTime) return await read(0);
      const [first] = await this.db.getAll(this.db.collection(table).doc(writes[0].id), {
        fieldMask: [META.serverTime],
      });
      const stamp = first.updateTime?.isEqual(results[0].writeTime)
        ? asFirestoreTimestamp(first.get(META.serverTime))
        : null;
      if (stamp) return writes.map(() => encodeVersion(stamp));
      return writes.length === 1 ? [null] : [null, ...(await read(1))];
    } catch {
      return writes.map(() => null);
    }
  }

  async reportProgress(
    userId: string,
    deviceId: string,
    pulledThrough: Partial<Record<DataTable, Version>>,
  ): Promise<void> {
    this.assertOpen('progress report');
    const doc = progressDocument(userId, deviceId, pulledThrough, ADMIN_SENTINELS);
    await this.db.collection(DEVICES_COLLECTION).doc(doc.id).set(doc.data, { merge: true });
  }

  private buildBatch(
    table: DataTable,
    writes: RemoteWrite[],
    deviceId: string,
    current: Map<string, ReadDoc>,
  ): WriteBatch {
    const batch = this.db.batch();
    const collection = this.db.collection(table);
    for (const write of writes) {
      const ref = collection.doc(write.id);
      const doc = documentWrite(write, deviceId, ADMIN_SENTINELS);
      if (doc.kind === 'create') batch.create(ref, doc.data);
      else batch.update(ref, doc.data, { lastUpdateTime: current.get(write.id)!.updateTime });
    }
    return batch;
  }
}

const EPOCH = new Timestamp(0, 0);

export const ADMIN_SENTINELS: WriteSentinels = {
  serverTimestamp: () => FieldValue.serverTimestamp(),
  deleteField: () => FieldValue.delete(),
};

/** The progress document of `reportProgress` (written with set(..., { merge: true })). */
export function progressDocument(
  userId: string,
  deviceId: string,
  pulledThrough: Partial<Record<DataTable, Version>>,
  sentinels: WriteSentinels,
): { id: string; data: Record<string, unknown> } {
  return {
    id: `${userId}:${deviceId}`,
    data: {
      user_id: userId,
      device_id: deviceId,
      pulled_through: pulledThrough,
      [META.serverTime]: sentinels.serverTimestamp(),
    },
  };
}

/** A document as read for a compare-and-set: decoded, and the update time it was read at. */
interface ReadDoc {
  doc: PulledDoc;
  updateTime: Timestamp;
}

function conflict(write: RemoteWrite, current: Map<string, ReadDoc>): WriteOutcome {
  return { id: write.id, status: 'conflict', current: current.get(write.id)?.doc ?? null };
}

/** The decoder's view of firebase-admin's timestamp type (exported for the decoder's tests). */
export function asFirestoreTimestamp(value: unknown): Timestamp | null {
  return value instanceof Timestamp ? value : null;
}

function toRemoteDoc(snapshot: DocumentSnapshot): PulledDoc {
  return decodeDocument(
    snapshot.id,
    snapshot.data() ?? {},
    snapshot.updateTime!,
    asFirestoreTimestamp,
  );
}

function toTimestamp(version: Version): Timestamp {
  const { seconds, nanoseconds } = decodeVersion(version);
  return new Timestamp(seconds, nanoseconds);
}
