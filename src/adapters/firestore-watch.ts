import { type Firestore, type Query, Timestamp } from 'firebase-admin/firestore';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { hasPullableServerTime } from '../sync/decode-document';
import { encodeVersion } from '../sync/version';
import { META } from '../sync/wire-format';
import type { ClientFirestore } from './client-firestore';

/**
 * Live remote changes of one user (Firestore listeners), for pairing with the app: every
 * document a phone or a simulated device writes shows up as it lands. Only ids, the writer and
 * which fields exist are reported, never values (this is personal data).
 *
 * The emulator sometimes ends a listen stream with RESOURCE_EXHAUSTED and the client then waits
 * forever (firebase-tools issue 8654). A watchdog therefore asks the server, every
 * `watchdogMs`, for the newest write of the user per collection; if the listener has not seen
 * it, the listener is considered stalled and subscribed again. Errors re-subscribe too.
 */
export interface RemoteChange {
  collection: DataTable;
  id: string;
  kind: 'added' | 'modified' | 'removed';
  deleted: boolean;
  device: string | null;
  version: string | null;
  fields: string[];
  /** False: no valid `_server_time`, so no device's pull will ever see it (`adopt` fixes that). */
  pullable: boolean;
}

/** One document change as a listener delivered it, in either SDK's terms. */
export interface WatchedDoc {
  id: string;
  type: RemoteChange['kind'];
  data: Record<string, unknown>;
  /** What orders this SDK's writes (admin: update time; client: `_server_time`), encoded. */
  version: string | null;
  pullable: boolean;
}

/**
 * What `watchUser` listens through: firebase-admin (`adminWatchSource`), or the app's own SDK
 * signed in as the user with the rules enforced (`clientWatchSource`), as a phone would listen.
 */
export interface WatchSource {
  listen(
    table: DataTable,
    onDocs: (docs: WatchedDoc[]) => void,
    onError: (error: Error) => void,
  ): () => void;
  /** The version of the user's newest write in `table` (the watchdog's question). */
  newest(table: DataTable): Promise<string | null>;
}

export interface WatchHandle {
  resubscriptions: number;
  /** Ids of the user's documents the pull cannot see, per collection, as the listeners last saw. */
  unseen: Map<DataTable, Set<string>>;
  stop(): void;
}

export function watchUser(
  source: WatchSource,
  onChange: (change: RemoteChange) => void,
  options: {
    watchdogMs?: number;
    onResubscribe?: (collection: DataTable, reason: string) => void;
    /** Called once every collection's listener has delivered its first snapshot. */
    onReady?: () => void;
  } = {},
): WatchHandle {
  const handle: WatchHandle = {
    resubscriptions: 0,
    unseen: new Map(DATA_TABLES.map((t) => [t, new Set<string>()])),
    stop: () => {},
  };
  const newestSeen = new Map<DataTable, string>();
  const unsubscribers = new Map<DataTable, () => void>();

  const subscribe = (table: DataTable, initial: boolean) => {
    unsubscribers.get(table)?.();
    let first = true;
    // A re-subscription's first snapshot lists everything again: report only what is newer.
    const since = newestSeen.get(table) ?? '';
    const unsubscribe = source.listen(
      table,
      (docs) => {
        for (const change of docs) {
          const { version, pullable, data } = change;
          const unseen = handle.unseen.get(table)!;
          if (pullable || change.type === 'removed') unseen.delete(change.id);
          else unseen.add(change.id);
          if (version && version > (newestSeen.get(table) ?? '')) newestSeen.set(table, version);
          // The first snapshot lists what already exists; report only what changes from now on.
          if (first && (initial || !version || version <= since)) continue;
          onChange({
            collection: table,
            id: change.id,
            kind: change.type,
            deleted: data[META.deleted] === true,
            device: typeof data[META.device] === 'string' ? (data[META.device] as string) : null,
            version,
            fields: Object.keys(data)
              .filter((f) => !f.startsWith('_'))
              .sort(),
            pullable,
          });
        }
        if (first && initial) markReady(table);
        first = false;
      },
      (error) => {
        handle.resubscriptions += 1;
        options.onResubscribe?.(table, error.message);
        setTimeout(() => subscribe(table, false), 1000).unref();
      },
    );
    unsubscribers.set(table, unsubscribe);
  };

  const waitingFor = new Set<DataTable>(DATA_TABLES);
  const markReady = (table: DataTable) => {
    if (waitingFor.delete(table) && waitingFor.size === 0) options.onReady?.();
  };
  for (const table of DATA_TABLES) subscribe(table, true);

  const watchdog = setInterval(async () => {
    for (const table of DATA_TABLES) {
      try {
        const version = await source.newest(table);
        if (version && version > (newestSeen.get(table) ?? '')) {
          handle.resubscriptions += 1;
          options.onResubscribe?.(
            table,
            'listener stalled: the server has newer writes than it delivered',
          );
          subscribe(table, false);
        }
      } catch {
        // the next round tries again
      }
    }
  }, options.watchdogMs ?? 30_000);
  watchdog.unref();

  handle.stop = () => {
    clearInterval(watchdog);
    for (const unsubscribe of unsubscribers.values()) unsubscribe();
    unsubscribers.clear();
  };
  return handle;
}

const asTimestamp = (value: unknown) => (value instanceof Timestamp ? value : null);

/** Listening through firebase-admin: versions are update times. */
export function adminWatchSource(db: Firestore, userId: string): WatchSource {
  const query = (table: DataTable): Query => db.collection(table).where('user_id', '==', userId);
  return {
    listen: (table, onDocs, onError) =>
      query(table).onSnapshot(
        (snapshot) =>
          onDocs(
            snapshot.docChanges().map((change) => ({
              id: change.doc.id,
              type: change.type,
              data: change.doc.data(),
              version: change.doc.updateTime ? encodeVersion(change.doc.updateTime) : null,
              pullable: hasPullableServerTime(change.doc.get(META.serverTime), asTimestamp),
            })),
          ),
        (error) => onError(error as Error),
      ),
    async newest(table) {
      const newest = await query(table).orderBy(META.serverTime, 'desc').limit(1).get();
      const doc = newest.docs[0];
      return doc?.updateTime ? encodeVersion(doc.updateTime) : null;
    },
  };
}

/**
 * Listening as the app does: the client SDK signed in as the user, the rules deciding what it
 * may see (its query names the user, as the rules require). Versions are `_server_time`, the
 * protocol's version (docs/wire-format.md); a document without one has none.
 */
export function clientWatchSource(client: ClientFirestore, userId: string): WatchSource {
  const { sdk, firestore } = client;
  const asClientTimestamp = (value: unknown) => (value instanceof sdk.Timestamp ? value : null);
  const versionOf = (value: unknown): string | null => {
    const time = asClientTimestamp(value);
    if (!time || !hasPullableServerTime(time, asClientTimestamp)) return null;
    return encodeVersion(time);
  };
  const mine = (table: DataTable) =>
    sdk.query(sdk.collection(firestore, table), sdk.where('user_id', '==', userId));
  return {
    listen: (table, onDocs, onError) =>
      sdk.onSnapshot(
        mine(table),
        (snapshot) =>
          onDocs(
            snapshot.docChanges().map((change) => {
              const data = change.doc.data();
              return {
                id: change.doc.id,
                type: change.type,
                data,
                version: versionOf(data[META.serverTime]),
                pullable: hasPullableServerTime(data[META.serverTime], asClientTimestamp),
              };
            }),
          ),
        onError,
      ),
    async newest(table) {
      const newest = await sdk.getDocs(
        sdk.query(mine(table), sdk.orderBy(META.serverTime, 'desc'), sdk.limit(1)),
      );
      return versionOf(newest.docs[0]?.get(META.serverTime));
    },
  };
}
