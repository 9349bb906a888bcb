import type {
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  QueryConstraint,
} from 'firebase/firestore';
import type { DataTable } from '../db/schema-current';
import { decodeDocument, hasPullableServerTime } from '../sync/decode-document';
import type {
  PullCursor,
  PulledDoc,
  PulledPage,
  RemoteStore,
  RemoteWrite,
  UnseenDocs,
  WriteOutcome,
} from '../sync/remote-store';
import { decodeVersion, isNewer, type Version } from '../sync/version';
import { META } from '../sync/wire-format';
import type { ClientFirestore, ClientSdk } from './client-firestore';
import {
  casHolds,
  DEVICES_COLLECTION,
  documentWrite,
  progressDocument,
  type WriteSentinels,
} from './firestore-remote';

/** How often the SDK runs a commit's transaction when another writer keeps changing its reads. */
const MAX_TRANSACTION_ATTEMPTS = 5;
/** Codes the SDK ends a contended transaction with; the call is worth repeating, not parking. */
const CONTENTION_CODES = new Set(['aborted', 'failed-precondition', 'already-exists']);

/**
 * RemoteStore over the Firebase JS SDK (the app's own, `firebase@12.19.0`), signed in as the user,
 * so firestore.rules decide every read and write as they do for a phone. The protocol is the same
 * as FirestoreRemote's (docs/wire-format.md); what the client SDK lacks is made up for so:
 *   - no `updateTime` on snapshots: the version is `_server_time`, which both SDKs read;
 *   - no `lastUpdateTime` precondition, no `create` in a batch: a commit is one transaction that
 *     reads every document it writes and compares its `_server_time` with the write's expected
 *     version. The SDK makes each write conditional on the document as read (its update time, or
 *     its absence for a create), so the compare-and-set is as exact as admin's precondition;
 *   - no write results: the versions written are read back, from one document per commit as a
 *     rule (they all carry the commit's time; settling without them otherwise);
 *   - no getAll: lookups by id are a transaction's gets (one lookup each, no listener), abandoned
 *     once read;
 *   - no `readTime` on query snapshots: pages say null, and the pull bounds its checkpoint by the
 *     newest document instead.
 */
export class ClientRemote implements RemoteStore {
  private readonly db: Firestore;
  private readonly sdk: ClientSdk;
  private readonly sentinels: WriteSentinels;

  constructor(private readonly client: ClientFirestore) {
    this.db = client.firestore;
    this.sdk = client.sdk;
    this.sentinels = {
      serverTimestamp: this.sdk.serverTimestamp,
      deleteField: this.sdk.deleteField,
    };
  }

  /** As FirestoreRemote's: a call on a closed client fails at once with a classified error. */
  private assertOpen(what: string): void {
    if (this.client.closed)
      throw Object.assign(
        new Error(`CANCELLED: ${what} not sent: this device's Firestore client was closed`),
        { code: 'cancelled' },
      );
  }

  async pullPage(
    table: DataTable,
    userId: string,
    after: PullCursor | null,
    limit: number,
  ): Promise<PulledPage> {
    this.assertOpen(`pull ${table}`);
    const { collection, documentId, getDocs, orderBy, query, startAfter, startAt, where } =
      this.sdk;
    // The same query as FirestoreRemote's (see there why `_server_time >= 1970`).
    const constraints: QueryConstraint[] = [
      where('user_id', '==', userId),
      where(META.serverTime, '>=', this.epoch()),
      orderBy(META.serverTime),
      orderBy(documentId()),
    ];
    if (after?.id) constraints.push(startAfter(this.timestamp(after.time), after.id));
    else if (after) constraints.push(startAt(this.timestamp(after.time)));
    constraints.push(this.sdk.limit(limit));
    const snapshot = await getDocs(query(collection(this.db, table), ...constraints));
    return { docs: snapshot.docs.map((doc) => this.decode(doc)), readTime: null };
  }

  /** As FirestoreRemote's: two counts; the listing only when they differ from `previous`. */
  async findUnseen(
    table: DataTable,
    userId: string,
    maxIds: number,
    previous?: UnseenDocs | null,
  ): Promise<UnseenDocs> {
    this.assertOpen(`unseen check ${table}`);
    const { collection, getCountFromServer, getDocs, query, where } = this.sdk;
    const mine = query(collection(this.db, table), where('user_id', '==', userId));
    const [all, pullable] = await Promise.all([
      getCountFromServer(mine),
      getCountFromServer(query(mine, where(META.serverTime, '>=', this.epoch()))),
    ]);
    const counts = { all: all.data().count, pullable: pullable.data().count };
    if (counts.all === counts.pullable) return { count: 0, ids: [], counts };
    if (previous?.counts?.all === counts.all && previous.counts.pullable === counts.pullable)
      return { count: previous.count, ids: previous.ids.slice(0, maxIds), counts };
    // The client SDK cannot select one field: the listing reads whole documents (rarely needed).
    const listed = await getDocs(mine);
    const ids = listed.docs
      .filter((doc) => !hasPullableServerTime(doc.get(META.serverTime), this.asTimestamp))
      .map((doc) => doc.id)
      .sort();
    return { count: ids.length, ids: ids.slice(0, maxIds), counts };
  }

  async getMany(table: DataTable, ids: string[]): Promise<Map<string, PulledDoc>> {
    const found = new Map<string, PulledDoc>();
    if (ids.length === 0) return found;
    this.assertOpen(`read ${table}`);
    for (const snapshot of await this.lookup(ids.map((id) => this.ref(table, id))))
      if (snapshot.exists()) found.set(snapshot.id, this.decode(snapshot));
    return found;
  }

  /**
   * One transaction: every document written is read (an absent one too: firestore.rules let the
   * owner read a document that does not exist), each write whose expected version is what was
   * read is made, the others come back as conflicts with the document read. The SDK conditions
   * each write on the read (update time, or absence), and runs the whole again when another
   * writer changed a read document before the commit, so the decision is always made on what
   * the commit replaced. The versions written are then read back.
   */
  async commit(table: DataTable, writes: RemoteWrite[], deviceId: string): Promise<WriteOutcome[]> {
    this.assertOpen(`commit ${table}`);
    let outcomes: WriteOutcome[] = [];
    let written: RemoteWrite[] = [];
    try {
      await this.sdk.runTransaction(
        this.db,
        async (transaction) => {
          const refs = writes.map((write) => this.ref(table, write.id));
          const snapshots = await Promise.all(refs.map((ref) => transaction.get(ref)));
          // A retried attempt decides afresh.
          outcomes = [];
          written = [];
          writes.forEach((write, i) => {
            const current = snapshots[i].exists() ? this.decode(snapshots[i]) : undefined;
            if (!casHolds(write, current)) {
              outcomes[i] = { id: write.id, status: 'conflict', current: current ?? null };
              return;
            }
            const doc = documentWrite(write, deviceId, this.sentinels);
            if (doc.kind === 'create') transaction.set(refs[i], doc.data);
            else transaction.update(refs[i], doc.data);
            written.push(write);
          });
        },
        { maxAttempts: MAX_TRANSACTION_ATTEMPTS },
      );
    } catch (error) {
      throw contended(error, table);
    }
    const versions = await this.readBack(table, written, deviceId);
    written.forEach((write, k) => {
      const i = writes.indexOf(write);
      outcomes[i] = { id: write.id, status: 'written', version: versions[k] };
    });
    return outcomes;
  }

  /**
   * The version each write made, read back. Every write of one commit carries the commit's time
   * as `_server_time` (a commit has one request time, and firestore.rules demand
   * `_server_time == request.time` of each write), so one document that still carries this
   * device's write tells the version of all of them: `_device` is this device and the stamp is
   * newer than the version the write replaced (only this device writes as itself, one write per
   * record at a time, each conditioned on the last). The first written document is read; only
   * if another writer has moved it on since are the others read. A document read and found moved
   * on gets null (as does every write when the read fails): the write landed either way (see
   * WriteOutcome). Each read is a lookup the emulator evaluates the rules for: reading back one
   * instead of all cut the client push's Node CPU by about a quarter (same-round A/B, 1,000
   * records on a loaded 2-core machine).
   */
  private async readBack(
    table: DataTable,
    writes: RemoteWrite[],
    deviceId: string,
  ): Promise<(Version | null)[]> {
    if (writes.length === 0) return [];
    try {
      const carries = (snapshot: DocumentSnapshot, write: RemoteWrite): Version | null => {
        if (!snapshot.exists()) return null;
        const doc = this.decode(snapshot);
        const mine = doc.device === deviceId && isNewer(doc.serverTime, write.expected);
        return mine ? doc.serverTime : null;
      };
      const [first] = await this.lookup([this.ref(table, writes[0].id)]);
      const committed = carries(first, writes[0]);
      if (committed !== null) return writes.map(() => committed);
      if (writes.length === 1) return [null];
      const rest = await this.lookup(writes.slice(1).map((write) => this.ref(table, write.id)));
      return [null, ...rest.map((snapshot, i) => carries(snapshot, writes[i + 1]))];
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
    const doc = progressDocument(userId, deviceId, pulledThrough, this.sentinels);
    const ref = this.sdk.doc(this.db, DEVICES_COLLECTION, doc.id);
    // In a transaction rather than setDoc: offline, setDoc would wait in the SDK's queue and land
    // whenever; a transaction fails, and the engine reports it.
    await this.sdk.runTransaction(this.db, async (transaction) => {
      transaction.set(ref, doc.data, { merge: true });
    });
  }

  /**
   * Documents by reference, each read on its own from the server (a transaction's get is one
   * lookup, without the listener a getDoc opens). The transaction only reads: it is abandoned
   * after the reads, so nothing is committed.
   */
  private async lookup(refs: DocumentReference[]): Promise<DocumentSnapshot[]> {
    try {
      await this.sdk.runTransaction(
        this.db,
        async (transaction) => {
          throw new LookupDone(await Promise.all(refs.map((ref) => transaction.get(ref))));
        },
        { maxAttempts: 1 },
      );
    } catch (error) {
      if (error instanceof LookupDone) return error.snapshots;
      throw error;
    }
    throw new Error('unreachable: a lookup transaction always ends in LookupDone');
  }

  private ref(table: DataTable, id: string): DocumentReference {
    return this.sdk.doc(this.db, table, id);
  }

  private decode(snapshot: DocumentSnapshot): PulledDoc {
    return decodeDocument(snapshot.id, snapshot.data() ?? {}, null, this.asTimestamp);
  }

  private readonly asTimestamp = (value: unknown) =>
    value instanceof this.sdk.Timestamp ? value : null;

  private epoch() {
    return new this.sdk.Timestamp(0, 0);
  }

  private timestamp(version: Version) {
    const { seconds, nanoseconds } = decodeVersion(version);
    return new this.sdk.Timestamp(seconds, nanoseconds);
  }
}

/** Carries a lookup's snapshots out of the transaction it abandons. */
class LookupDone extends Error {
  constructor(readonly snapshots: DocumentSnapshot[]) {
    super('lookup done');
  }
}

/**
 * A transaction the SDK gave up on because other writers kept changing what it read ends with
 * a code (failed-precondition, aborted) the engine would otherwise park as permanent: repeating
 * the call later is exactly what helps, so it is reported as `aborted` (retryable).
 */
function contended(error: unknown, table: DataTable): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !CONTENTION_CODES.has(code)) return error;
  return Object.assign(
    new Error(
      `ABORTED: commit ${table} gave up after ${MAX_TRANSACTION_ATTEMPTS} attempts: other writers kept changing its documents (${(error as Error).message})`,
    ),
    { code: 'aborted' },
  );
}
