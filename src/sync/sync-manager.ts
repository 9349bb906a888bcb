import { type Database, Q } from '@nozbe/watermelondb';
import { type Clock, systemClock } from '../core/clock';
import { assertSafeId } from '../core/ids';
import { Semaphore } from '../core/limit';
import type { Random } from '../core/random';
import type { SyncQueueItem } from '../db/models';
import { prepareRawUpdate } from '../db/raw-update';
import { type LocalDb, publicRecordAccess, type RecordAccess } from '../db/record-access';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import type { MediaFiles } from '../files/media-files';
import type { MediaStore } from '../files/media-store';
import { RecordedPhotos } from '../files/recorded-photos';
import { statusOf } from './apply-plan';
import { checkUnseen } from './check-unseen';
import { LATE_WRITE_WINDOW_MS, loadCheckpoint, pulledThrough } from './checkpoint';
import { classifyError } from './classify-error';
import type { ConflictStrategy, DecideFn } from './conflict-resolver';
import { type DefectName, hasDefect } from './defects';
import { LocalStore } from './local-store';
import { isNetworkDown, NetworkJudge, reportNetworkDown } from './network-judge';
import { pullCollection } from './pull';
import { pushCollection } from './push';
import { dueRows, findUntrackedPending, PARKED_AT, parseQueueData, type QueueData } from './queue';
import type { ConflictReport } from './reconcile';
import type { RemoteStore } from './remote-store';
import { APP_RETRY_POLICY, RetryHandler, type RetryPolicy } from './retry-handler';
import { nextStatus } from './status-machine';
import { type CollectionStats, emptyStats, type SyncContext, type SyncError } from './sync-context';
import { KNOB_DEFAULTS } from './sync-knobs';
import { localPath } from './upload-media';
import { versionMinus } from './version';
import type { Values } from './wire-format';

export interface SyncManagerOptions {
  database: Database;
  remote: RemoteStore;
  deviceId: string;
  clock?: Clock;
  /** Jitter of retry delays; seeded in simulations. */
  random?: Random;
  /** One strategy for all collections, or per collection (default remote-wins, as the app). */
  strategy?: ConflictStrategy | Partial<Record<DataTable, ConflictStrategy>>;
  /** Answers `ask-user` conflicts (the CLI prompts; scenarios and tests answer from data). */
  decide?: DecideFn;
  /** The app's NetworkMonitor: no sync is attempted while it says offline. */
  network?: { isOnline(): boolean };
  retryPolicy?: RetryPolicy;
  /** Storage for voice notes and photos (uploads before push, blob deletes after tombstones). */
  media?: MediaStore;
  /**
   * The device's own media files (sizes, SHA-256, thumbnails; src/files/media-files.ts), needed
   * with `media`. Node's is src/files/node-media-files.ts; the app passes its own.
   */
  mediaFiles?: MediaFiles;
  /**
   * How the engine finds records and writes its bookkeeping (src/db/record-access.ts): the public
   * WatermelonDB API by default; wireDevice() hands in the SQLite fast path on SQLite.
   */
  records?: RecordAccess;
  pageSize?: number;
  /** How far behind the server's read time a pull checkpoint stays (checkpoint.ts). */
  lateWriteWindowMs?: number;
  batchSize?: number;
  maxInFlight?: number;
  /**
   * FOR TESTS ONLY: named defects switched on in the engine (src/sync/defects.ts), so the harness
   * can show it finds them. Default none; only the scenario runner passes any, and wireDevice()
   * refuses them outside the emulators.
   */
  defects?: ReadonlySet<DefectName>;
}

export interface SyncStatusSnapshot {
  isSyncing: boolean;
  lastSyncTime: number | null;
  pendingCount: number;
}

/** The app's result shape, plus what a user needs to know what happened. */
export interface SyncResult {
  success: boolean;
  synced: number;
  failed: number;
  errors: SyncError[];
  started: boolean;
  reason?: string;
  pulled: number;
  pushed: number;
  deleted: number;
  conflicts: ConflictReport[];
  durationMs: number;
  collections: Partial<Record<DataTable, CollectionStats>>;
  /** Documents of the user the pull can never see, over all collections (by id: `collections`). */
  unseen: number;
}

export interface QueueItemInput {
  collection: DataTable;
  documentId: string;
  operation: 'create' | 'update' | 'delete';
  data?: Record<string, unknown>;
}

/**
 * The app's SyncManager, one instance per device (no singleton: many devices share a process).
 * A pass pulls, then pushes, each collection; collections run side by side. Fixes the app's
 * defects: it pulls (1), never marks an edit made mid-push as synced (2), writes with server
 * preconditions so no write is silently overwritten (3) and no device clock decides (4), pushes
 * deletes as tombstones (5), drives pending → syncing → synced | error (6), batches (7) and
 * answers ask-user through an injected function (8).
 */
export class SyncManager {
  readonly clock: Clock;
  private readonly db: Database;
  private readonly local: LocalDb;
  private readonly options: SyncManagerOptions;
  private readonly retryPolicy: RetryPolicy;
  private userId: string | null = null;
  private syncing = false;
  private lastSyncTime: number | null = null;
  private readonly listeners = new Set<(status: SyncStatusSnapshot) => void>();
  private localStore: LocalStore | null = null;
  /** Photos' thumbnails and checksums made when recorded, for the upload (null without media files). */
  private readonly photos: RecordedPhotos | null;
  private readonly mediaFiles: MediaFiles | undefined;

  constructor(options: SyncManagerOptions) {
    // The device id is written into every document (_device, at most 128 characters by the
    // rules) and into a document id (sync_devices/{user}:{device}): a safe id, like the CLI's.
    assertSafeId('Device', options.deviceId);
    if (options.media && !options.mediaFiles) {
      throw new Error(
        'SyncManager: `media` needs `mediaFiles` too (the device files, hashes and thumbnails the upload reads; src/files/media-files.ts).',
      );
    }
    this.options = options;
    this.db = options.database;
    this.local = { db: this.db, records: options.records ?? publicRecordAccess };
    this.clock = options.clock ?? systemClock;
    this.retryPolicy = options.retryPolicy ?? APP_RETRY_POLICY;
    this.photos = options.mediaFiles ? new RecordedPhotos(options.mediaFiles) : null;
    this.mediaFiles = this.photos?.port;
  }

  get deviceId(): string {
    return this.options.deviceId;
  }

  get isInitialized(): boolean {
    return this.userId !== null;
  }

  /** The device's data API; every change it makes is queued for sync. */
  get store(): LocalStore {
    if (!this.localStore) throw new Error('SyncManager.initialize(userId) must be called first.');
    return this.localStore;
  }

  /**
   * Binds the device to its user and recovers from a crash: a record left `syncing` had a push
   * in flight whose fate is unknown; it goes back to `pending` (a repeated push is recognised
   * as this device's own write, so nothing doubles).
   */
  async initialize(userId: string): Promise<void> {
    // The user id becomes part of document paths, Storage paths and every pull's query.
    assertSafeId('User', userId);
    this.userId = userId;
    this.localStore = new LocalStore(
      this.db,
      this.clock,
      userId,
      this.local.records,
      this.options.defects,
      (table, rows) => this.photosRecorded(table, rows),
    );
    await this.db.write(async () => {
      const operations = [];
      for (const table of DATA_TABLES) {
        const stuck = await this.db.get(table).query(Q.where('sync_status', 'syncing')).fetch();
        for (const record of stuck) {
          operations.push(
            prepareRawUpdate(record, {
              sync_status: nextStatus('syncing', 'push-retryable-failure', {
                table,
                id: record.id,
              }),
            }),
          );
        }
      }
      if (operations.length > 0) await this.db.batch(operations);
    });
  }

  /** The app's addToQueue: queues a record for push (delete: removes it locally and pushes a tombstone). */
  async addToQueue(item: QueueItemInput): Promise<void> {
    if (!DATA_TABLES.includes(item.collection)) {
      throw new Error(`addToQueue: ${item.collection} is not a synced collection.`);
    }
    if (item.operation === 'delete') return this.store.delete(item.collection, [item.documentId]);
    const data = (item.data ?? {}) as Record<string, string | number | boolean | null>;
    const editable = Object.fromEntries(
      Object.entries(data).filter(
        ([k]) =>
          !['id', 'user_id', 'created_at', 'sync_status', 'synced_at', 'remote_version'].includes(
            k,
          ),
      ),
    );
    return this.store.update(item.collection, item.documentId, editable);
  }

  /** The app's conflict-strategy setting; takes effect from the next sync. */
  setStrategy(strategy: NonNullable<SyncManagerOptions['strategy']>): void {
    this.options.strategy = strategy;
  }

  async syncAll(): Promise<SyncResult> {
    return this.run(DATA_TABLES);
  }

  async syncCollection(name: DataTable): Promise<SyncResult> {
    if (!DATA_TABLES.includes(name))
      throw new Error(`syncCollection: ${name} is not a synced collection.`);
    return this.run([name]);
  }

  /** Puts every parked (error) record of a collection, or of all, back in the queue. */
  async retryErrors(table?: DataTable): Promise<number> {
    const now = this.clock.now();
    let count = 0;
    await this.db.write(async () => {
      const clauses = [Q.where('scheduled_at', PARKED_AT)];
      if (table) clauses.push(Q.where('collection', table));
      const rows = await this.db
        .get<SyncQueueItem>('sync_queue')
        .query(...clauses)
        .fetch();
      const operations = [];
      for (const row of rows) {
        const data: QueueData = { ...parseQueueData(row.data), parked: false };
        operations.push(
          prepareRawUpdate(row, { scheduled_at: now, attempts: 0, data: JSON.stringify(data) }),
        );
        const [record] = await this.db
          .get(row.collectionName)
          .query(Q.where('id', row.documentId))
          .fetch();
        if (record && statusOf(record) === 'error') {
          operations.push(prepareRawUpdate(record, { sync_status: nextStatus('error', 'retry') }));
        }
        count += 1;
      }
      if (operations.length > 0) await this.db.batch(operations);
    });
    await this.emitStatus();
    return count;
  }

  onSyncStatusChange(listener: (status: SyncStatusSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async getStatus(): Promise<SyncStatusSnapshot & { errorCount: number }> {
    const queue = this.db.get<SyncQueueItem>('sync_queue');
    const total = await queue.query().fetchCount();
    const errorCount = await queue.query(Q.where('scheduled_at', PARKED_AT)).fetchCount();
    let untracked = 0;
    for (const table of DATA_TABLES)
      untracked += (await findUntrackedPending(this.local, table)).length;
    return {
      isSyncing: this.syncing,
      lastSyncTime: this.lastSyncTime,
      pendingCount: total - errorCount + untracked,
      errorCount,
    };
  }

  private async run(tables: readonly DataTable[]): Promise<SyncResult> {
    const started = this.clock.now();
    if (!this.userId)
      throw new Error('SyncManager.initialize(userId) must be called before syncing.');
    if (this.syncing) return notStarted('a sync is already running');
    if (this.options.network && !this.options.network.isOnline()) return notStarted('offline');
    this.syncing = true;
    await this.emitStatus();
    const collections: Partial<Record<DataTable, CollectionStats>> = {};
    let progressError: SyncError | null = null;
    try {
      const ctx = this.context(this.userId);
      const userId = this.userId;
      const pulls: Array<Promise<void>> = [];
      const passes = tables.map((table) => {
        const stats = emptyStats();
        collections[table] = stats;
        let pulled = () => {};
        pulls.push(
          new Promise<void>((resolve) => {
            pulled = resolve;
          }),
        );
        return this.syncOne(ctx, table, stats, pulled);
      });
      // The progress report needs only the pulls' checkpoints: it goes up beside the pushes
      // instead of after them (issue 19). Best effort, and not worth a deadline's wait once the
      // pass found the network down; its failure is not reported when the pass ends judged down
      // (the push's report says so already).
      const progress = Promise.all(pulls).then(() =>
        ctx.network.down ? null : this.reportProgress(userId),
      );
      // Handled now as well as awaited below: when a pass throws (a crash point), Promise.all
      // leaves before it, and a report still reading checkpoints from a database closed since
      // must not become an unhandled rejection (as the passes' own are handled by Promise.all).
      progress.catch(() => {});
      await Promise.all(passes);
      progressError = await progress;
      if (ctx.network.down) progressError = null;
    } finally {
      this.syncing = false;
      this.lastSyncTime = this.clock.now();
    }
    await this.emitStatus();
    const result = summarize(tables, collections, this.clock.now() - started);
    // Not a sync failure (nothing is lost), but the outside world misbehaved: reported.
    if (progressError) result.errors.push(progressError);
    return result;
  }

  /**
   * Pull, then push. A failed pull is reported and the push still runs — unless the pull failed
   * for lack of a network (retryable, after all its retries), or the pass has judged the network
   * down meanwhile (any collection's calls count): then the push would only wait out the same
   * timeouts, so the pass moves on and the next one tries again. Either is reported.
   */
  private async syncOne(
    ctx: SyncContext,
    table: DataTable,
    stats: CollectionStats,
    pulled: () => void,
  ): Promise<void> {
    const started = this.clock.now();
    // Beside the pull, not after it: in an idle pass it costs two count() queries' time at most.
    const unseen = checkUnseen(ctx, table).then(
      (found) => {
        stats.unseen = found;
        return null;
      },
      (error: unknown) => error,
    );
    try {
      await this.pullThenPush(ctx, table, stats, pulled);
    } finally {
      pulled(); // also when the pull was cut short or skipped
      const error = await unseen;
      if (error !== null) reportUnseenCheckFailure(stats, table, error);
      stats.durationMs = this.clock.now() - started;
    }
  }

  private async pullThenPush(
    ctx: SyncContext,
    table: DataTable,
    stats: CollectionStats,
    pulled: () => void,
  ): Promise<void> {
    for (const [phase, step] of [
      ['pull', pullCollection],
      ['push', pushCollection],
    ] as const) {
      if (phase === 'push') pulled();
      // Defect zoo: push-only, the app's syncAll that never pulls.
      if (phase === 'pull' && hasDefect(ctx.defects, 'push-only')) continue;
      if (ctx.network.down) {
        // A push with nothing due is not cut short by anything: not reported.
        if (phase === 'pull' || (await this.hasDueChanges(table)))
          reportNetworkDown(ctx, table, stats, `${phase} not started`, false);
        return;
      }
      try {
        await step(ctx, table, stats);
      } catch (error) {
        const cls = classifyError(error);
        stats.failed += 1;
        stats.errors.push({
          collection: table,
          documentId: null,
          error: `${phase} failed: ${cls.code}: ${cls.message}`,
          code: cls.code,
          kind: cls.kind,
        });
        if (phase === 'pull' && isNetworkDown(cls)) return;
      }
    }
  }

  private async hasDueChanges(table: DataTable): Promise<boolean> {
    const due = await this.db
      .get<SyncQueueItem>('sync_queue')
      .query(Q.where('collection', table), dueRows(this.clock.now(), this.retryPolicy.maxDelayMs))
      .fetchCount();
    return due > 0;
  }

  /** New photos get their thumbnails and checksums now, one at a time: the sync only uploads. */
  private async photosRecorded(table: DataTable, rows: Array<Partial<Values>>): Promise<void> {
    if (table !== 'photo_memories' || !this.photos || !this.options.media) return;
    for (const row of rows)
      if (typeof row.local_uri === 'string') await this.photos.keep(localPath(row.local_uri));
  }

  /** Tells the server how far this device has pulled (for tombstone purging); best effort. */
  private async reportProgress(userId: string): Promise<SyncError | null> {
    const progress: Partial<Record<DataTable, string>> = {};
    for (const table of DATA_TABLES) {
      const cursor = await loadCheckpoint(this.db, table);
      // Defect zoo: tombstone-purged-early, the checkpoint's late-write lag "corrected" for:
      // progress claimed a window past what was pulled.
      if (cursor && hasDefect(this.options.defects, 'tombstone-purged-early'))
        progress[table] = versionMinus(
          cursor.time,
          -(this.options.lateWriteWindowMs ?? LATE_WRITE_WINDOW_MS),
        );
      else if (cursor) progress[table] = pulledThrough(cursor);
    }
    try {
      await this.options.remote.reportProgress(userId, this.options.deviceId, progress);
      return null;
    } catch (error) {
      const cls = classifyError(error);
      return {
        collection: null,
        documentId: null,
        error: `progress report failed: ${cls.code}: ${cls.message}`,
        code: cls.code,
        kind: cls.kind,
      } satisfies SyncError;
    }
  }

  private context(userId: string): SyncContext {
    const random = this.options.random ?? Math.random;
    const strategy = this.options.strategy ?? 'remote-wins';
    // As many network failures in a row as one call may make: one call running out of its
    // attempts judges the network down, and so do a few calls in flight failing together.
    const network = new NetworkJudge(this.retryPolicy.maxAttempts);
    // Defect zoo: serial-and-slow, one record per commit and one commit at a time.
    const serial = hasDefect(this.options.defects, 'serial-and-slow');
    const maxInFlight = serial ? 1 : (this.options.maxInFlight ?? 4);
    return {
      db: this.db,
      records: this.local.records,
      remote: this.options.remote,
      userId,
      deviceId: this.options.deviceId,
      clock: this.clock,
      random,
      retry: new RetryHandler({ clock: this.clock, random, policy: this.retryPolicy, network }),
      retryPolicy: this.retryPolicy,
      network,
      strategyFor: (table) =>
        typeof strategy === 'string' ? strategy : (strategy[table] ?? 'remote-wins'),
      decide: this.options.decide,
      media: this.options.media,
      mediaFiles: this.mediaFiles,
      pageSize: this.options.pageSize ?? KNOB_DEFAULTS.pageSize,
      lateWriteWindowMs: this.options.lateWriteWindowMs ?? LATE_WRITE_WINDOW_MS,
      batchSize: serial ? 1 : (this.options.batchSize ?? 500),
      maxInFlight,
      commitSlots: new Semaphore(maxInFlight),
      defects: this.options.defects,
    };
  }

  private async emitStatus(): Promise<void> {
    if (this.listeners.size === 0) return;
    const { isSyncing, lastSyncTime, pendingCount } = await this.getStatus();
    for (const listener of this.listeners) listener({ isSyncing, lastSyncTime, pendingCount });
  }
}

/**
 * Not a sync failure (nothing is lost, `failed` does not count it), but reported: the pass could
 * not tell whether documents are ignored. Left out when the pull already said the network is down.
 */
function reportUnseenCheckFailure(stats: CollectionStats, table: DataTable, error: unknown): void {
  const cls = classifyError(error);
  if (isNetworkDown(cls) && stats.errors.some((e) => isNetworkDown(e))) return;
  stats.errors.push({
    collection: table,
    documentId: null,
    error: `unseen check failed: ${cls.code}: ${cls.message}`,
    code: cls.code,
    kind: cls.kind,
  });
}

function notStarted(reason: string): SyncResult {
  return {
    success: false,
    synced: 0,
    failed: 0,
    errors: [],
    started: false,
    reason,
    pulled: 0,
    pushed: 0,
    deleted: 0,
    conflicts: [],
    durationMs: 0,
    collections: {},
    unseen: 0,
  };
}

function summarize(
  tables: readonly DataTable[],
  collections: Partial<Record<DataTable, CollectionStats>>,
  durationMs: number,
): SyncResult {
  const result: SyncResult = {
    success: true,
    synced: 0,
    failed: 0,
    errors: [],
    started: true,
    pulled: 0,
    pushed: 0,
    deleted: 0,
    conflicts: [],
    durationMs,
    collections,
    unseen: 0,
  };
  for (const table of tables) {
    const stats = collections[table];
    if (!stats) continue;
    result.synced += stats.synced;
    result.failed += stats.failed;
    result.pulled += stats.pulled;
    result.pushed += stats.pushed;
    result.deleted += stats.deleted;
    result.errors.push(...stats.errors);
    result.conflicts.push(...stats.conflicts);
    result.unseen += stats.unseen?.count ?? 0;
  }
  result.success = result.failed === 0;
  return result;
}
