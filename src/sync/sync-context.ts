import type { Database } from '@nozbe/watermelondb';
import type { Clock } from '../core/clock';
import type { Semaphore } from '../core/limit';
import type { Random } from '../core/random';
import type { LocalDb, RecordAccess } from '../db/record-access';
import type { DataTable } from '../db/schema-current';
import type { MediaFiles } from '../files/media-files';
import type { MediaStore } from '../files/media-store';
import type { ErrorClass } from './classify-error';
import type { ConflictStrategy, DecideFn } from './conflict-resolver';
import type { Defects } from './defects';
import type { NetworkJudge } from './network-judge';
import type { ConflictReport } from './reconcile';
import type { RemoteStore, UnseenDocs } from './remote-store';
import type { RetryHandler, RetryPolicy } from './retry-handler';

/** Everything one device's sync pass needs; built by SyncManager, read by the steps. */
export interface SyncContext extends LocalDb {
  db: Database;
  /** How records are found and bookkeeping written: the public API or the SQLite fast path. */
  records: RecordAccess;
  remote: RemoteStore;
  userId: string;
  deviceId: string;
  clock: Clock;
  random: Random;
  retry: RetryHandler;
  retryPolicy: RetryPolicy;
  /**
   * The pass's verdict on the network, fed by `retry`: once it says down, the pass ends promptly
   * (no chunk or collection starts, none retries) and what was not sent stays pending.
   */
  network: NetworkJudge;
  strategyFor(table: DataTable): ConflictStrategy;
  decide?: DecideFn;
  /** Storage for voice notes and photos; without it their documents sync without files. */
  media?: MediaStore;
  /** The device's own media files (sizes, hashes, thumbnails); given whenever `media` is. */
  mediaFiles?: MediaFiles;
  pageSize: number;
  /** How far behind the read time the pull checkpoint stays (checkpoint.ts, LATE_WRITE_WINDOW_MS). */
  lateWriteWindowMs: number;
  batchSize: number;
  maxInFlight: number;
  /**
   * Batch commits in flight across all collections of a pass: collections sync side by side, and
   * more than a few concurrent batches only make the emulator thrash.
   */
  commitSlots: Semaphore;
  /** Test-only defects switched on (defects.ts); undefined in every real use. */
  defects?: Defects;
}

export interface SyncError {
  /** null: not about one collection (e.g. the device's progress report). */
  collection: DataTable | null;
  documentId: string | null;
  error: string;
  code: string;
  kind: ErrorClass['kind'] | 'conflict' | 'quarantined';
}

/** Counters of one collection in one pass; the app's {synced, failed, errors} plus more. */
export interface CollectionStats {
  synced: number;
  failed: number;
  pulled: number;
  pushed: number;
  deleted: number;
  echoes: number;
  quarantined: number;
  foreign: number;
  /** Documents of records older than this device's retention cleanup, left on the server. */
  retired: number;
  /**
   * The user's documents of this collection the pull can never see (no valid `_server_time`),
   * by id (at most UNSEEN_IDS_KEPT); `personalai-sync adopt` brings them into the wire format.
   * Null: not checked (the check failed, or the remote cannot tell).
   */
  unseen: UnseenDocs | null;
  conflicts: ConflictReport[];
  errors: SyncError[];
  /** Time this collection's pull and push took (collections sync side by side). */
  durationMs: number;
}

export function emptyStats(): CollectionStats {
  return {
    synced: 0,
    failed: 0,
    pulled: 0,
    pushed: 0,
    deleted: 0,
    echoes: 0,
    quarantined: 0,
    foreign: 0,
    retired: 0,
    unseen: null,
    conflicts: [],
    errors: [],
    durationMs: 0,
  };
}
