import type { DataTable } from '../db/schema-current';
import type { Version } from './version';
import type { RemoteDoc, Value } from './wire-format';

/**
 * The sync engine's only view of the server (a port, after RxDB's replication protocol): pull a
 * page of changes, read documents by id, commit writes that each state the version they assume.
 * Conflicts come back as data, never as exceptions. Implemented over firebase-admin in
 * src/adapters/firestore-remote.ts and over the Firebase JS SDK (the app's) in
 * src/adapters/client-remote.ts; fault-injecting wrappers implement it too.
 */
export interface PullCursor {
  /** Server time of the last document applied (the `_server_time` field, encoded). */
  time: Version;
  /**
   * Its id: equal server times are ordered by id, so none is ever skipped. Null: a floor, not a
   * document; the next page starts at `time` itself (every document stamped `time` is read).
   */
  id: string | null;
}

export interface PulledDoc extends RemoteDoc {
  /** The `_server_time` field, encoded; null when it is not a server timestamp (malformed). */
  serverTime: Version | null;
}

export interface PulledPage {
  docs: PulledDoc[];
  /**
   * The server's time when the query read (firebase-admin's `readTime`): every write that had
   * become visible by then is in the result. Null when the SDK does not say (the client SDK's
   * snapshots do not); the pull then bounds
   * its checkpoint by the newest document instead (docs/wire-format.md, "Late writes").
   */
  readTime: Version | null;
}

/** A document as the window read sees it: its id and version, no data. */
export interface PulledVersion {
  id: string;
  /** Its `_server_time`, encoded (the query returns no document without one). */
  serverTime: Version;
}

export interface PulledVersions {
  docs: PulledVersion[];
  readTime: Version | null;
}

export interface RemoteWrite {
  id: string;
  /** The version this write assumes is current; null: the document must not exist yet. */
  expected: Version | null;
  /** Data fields to set. */
  set: Record<string, Value>;
  /** Data fields to remove (a tombstone drops the record's data). */
  remove: string[];
  deleted: boolean;
  /** Fields whose change time (`_ft`) this write stamps. */
  changed: string[];
}

export type WriteOutcome =
  /**
   * The write landed. `version`: the version it made (its `_server_time`, read back after the
   * commit, since neither SDK's commit tells it); null when the document had already moved on
   * (another writer) before it could be read back: the record is then settled on the version the
   * write assumed, and the next pull brings the newer one (docs/wire-format.md, "Push").
   */
  | { id: string; status: 'written'; version: Version | null }
  | { id: string; status: 'conflict'; current: RemoteDoc | null };

/** A user's documents of one collection that the pull can never return (see findUnseen). */
export interface UnseenDocs {
  /** How many there are. */
  count: number;
  /** Their ids, sorted, at most as many as were asked for. */
  ids: string[];
  /**
   * The two counts the check compared (all the user's documents; those with a valid
   * `_server_time`): when both are as they were, the last listing's ids are reused.
   */
  counts?: { all: number; pullable: number };
}

export interface RemoteStore {
  pullPage(
    table: DataTable,
    userId: string,
    after: PullCursor | null,
    limit: number,
  ): Promise<PulledPage>;
  /**
   * The pull's query (same filter, order and cursor as pullPage) reading only each document's
   * version, and only documents stamped at or before `through`: the pull reads the late-write
   * window this way, since nearly all of it is what the device already holds (src/sync/pull.ts,
   * "the known window"). Optional: a remote without a projection (the client SDK has none)
   * leaves the window to pullPage.
   */
  pullVersions?(
    table: DataTable,
    userId: string,
    after: PullCursor | null,
    through: Version,
    limit: number,
  ): Promise<PulledVersions>;
  getMany(table: DataTable, ids: string[]): Promise<Map<string, RemoteDoc>>;
  /**
   * Commits up to 500 writes of one device. Writes whose precondition fails come back as
   * conflicts with the current document; the others are written. Throws only for failures of
   * the whole call (network, server), which the caller classifies and retries.
   */
  commit(table: DataTable, writes: RemoteWrite[], deviceId: string): Promise<WriteOutcome[]>;
  /**
   * Records how far this device has pulled each collection (server time), so that tombstones
   * are purged only once every device of the user has seen them (src/adapters/tombstone-purge.ts).
   */
  reportProgress(
    userId: string,
    deviceId: string,
    pulledThrough: Partial<Record<DataTable, Version>>,
  ): Promise<void>;
  /**
   * The user's documents in `table` that the pull's query never returns, because they have no
   * valid `_server_time` (a server timestamp from 1970 on): legacy data, the app's
   * original-format writes (a plain `set(merge)`), another tool's writes. Cheap when there are
   * none, so every pass can ask: the Firestore remote compares two `count()` aggregations and
   * lists ids only when they differ (the client SDK has `getCountFromServer` for the same).
   * Optional: a remote that cannot tell (a test double) leaves the check out of the pass.
   */
  findUnseen?(
    table: DataTable,
    userId: string,
    maxIds: number,
    previous?: UnseenDocs | null,
  ): Promise<UnseenDocs>;
}
