import fs from 'node:fs';
import path from 'node:path';
import { Database } from '@nozbe/watermelondb';
import LokiJSAdapter from '@nozbe/watermelondb/adapters/lokijs';
import SQLiteAdapter from '@nozbe/watermelondb/adapters/sqlite';
import type { AppSchema } from '@nozbe/watermelondb/Schema';
import type { SchemaMigrations } from '@nozbe/watermelondb/Schema/migrations';
import { type DatabaseLocation, parseDatabaseUrl } from './database-url';
import { assertExistingSqliteIsOurs } from './existing-database-check';
import { migrations as appMigrations } from './migrations';
import { modelClasses } from './models';
import { currentSchema } from './schema-current';
import { routeWatermelonLogsToStderr } from './watermelon-logger';
import { ensureWritableDirectory } from './writable-directory';

export interface OpenedDatabase {
  database: Database;
  location: DatabaseLocation;
  /** Flushes and releases the database; afterwards nothing of it keeps Node alive. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  schema?: AppSchema;
  migrations?: SchemaMigrations;
}

/** Opens a device database from `sqlite:PATH`, `loki:memory` or `loki:PATH`. */
export async function openDatabase(
  url: string | DatabaseLocation,
  options: OpenDatabaseOptions = {},
): Promise<OpenedDatabase> {
  routeWatermelonLogsToStderr();
  const location = typeof url === 'string' ? parseDatabaseUrl(url) : url;
  const schema = options.schema ?? currentSchema;
  const migrations = options.migrations ?? appMigrations;
  if (location.file) ensureWritableDirectory(path.dirname(location.file), location.file);
  return location.adapter === 'sqlite'
    ? openSqlite(location, location.file, schema, migrations)
    : openLoki(location, schema, migrations);
}

async function openSqlite(
  location: DatabaseLocation,
  file: string,
  schema: AppSchema,
  migrations: SchemaMigrations,
): Promise<OpenedDatabase> {
  // WatermelonDB silently wipes a database it cannot migrate; refuse before it gets the chance.
  assertExistingSqliteIsOurs(file, schema.version, migrations);
  const adapter = new SQLiteAdapter({ schema, migrations, dbName: file, jsi: false });
  const database = new Database({ adapter, modelClasses });
  await waitForSetUp(adapter);
  tuneSqliteConnection(adapter);
  return {
    database,
    location,
    async close() {
      closeSqliteConnection(adapter);
    },
  };
}

async function openLoki(
  location: DatabaseLocation,
  schema: AppSchema,
  migrations: SchemaMigrations,
): Promise<OpenedDatabase> {
  const persistence = location.file ? makeLokiFileAdapter() : undefined;
  const adapter = new LokiJSAdapter({
    schema,
    migrations,
    dbName: location.file ?? 'memory',
    useWebWorker: false,
    useIncrementalIndexedDB: true, // no IndexedDB in Node: WatermelonDB falls back to memory
    ...(persistence ? { _testLokiAdapter: persistence } : {}),
    // Autosave keeps a timer alive; file databases save on close instead of every 500 ms.
    extraLokiOptions: { autosave: Boolean(persistence), autosaveInterval: 250 },
  } as ConstructorParameters<typeof LokiJSAdapter>[0]);
  const database = new Database({ adapter, modelClasses });
  await waitForSetUp(adapter);
  return {
    database,
    location,
    close: () => closeLoki(adapter),
  };
}

/** Adapters set up asynchronously; the first query surfaces a set-up failure as an error. */
async function waitForSetUp(adapter: SQLiteAdapter | LokiJSAdapter): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    adapter.getLocal('__personalai_probe', (result) => {
      if ('error' in result) reject(result.error);
      else resolve();
    });
  });
}

// --- adapter internals, kept here so nothing else reaches into WatermelonDB's private state ---

interface BetterSqlite {
  open: boolean;
  close(): void;
  pragma(statement: string): unknown;
  prepare(sql: string): {
    run(args: unknown[]): unknown;
    get(args: unknown[]): unknown;
    all(args: unknown[]): unknown[];
  };
}

interface NodeSqliteDatabase {
  instance?: BetterSqlite;
  execute(query: string, args?: unknown[]): unknown;
  queryRaw(query: string, args?: unknown[]): unknown[];
}

interface SqliteBridge {
  connections: Record<string, { driver?: { database?: NodeSqliteDatabase } }>;
}

function sqliteConnection(adapter: SQLiteAdapter): {
  bridge: SqliteBridge;
  tag: string;
  database?: NodeSqliteDatabase;
} {
  const bridge: SqliteBridge =
    require('@nozbe/watermelondb/adapters/sqlite/sqlite-node/DatabaseBridge').default;
  const tag = (adapter as unknown as { _tag: string })._tag;
  return { bridge, tag, database: bridge.connections[tag]?.driver?.database };
}

function closeSqliteConnection(adapter: SQLiteAdapter): void {
  const { bridge, tag, database } = sqliteConnection(adapter);
  if (database?.instance?.open) database.instance.close();
  delete bridge.connections[tag];
}

/**
 * What WatermelonDB's native SQLite adapters do on phones and its Node adapter does not:
 * write-ahead logging (a commit is one sequential append instead of a journal rewrite, and
 * readers never block the writer) and reusing prepared statements (the Node adapter prepares
 * every statement anew, which cost about a third of a 10,000-record sync in a CPU profile).
 * synchronous=NORMAL in WAL mode keeps the database consistent across a crash; only the last
 * transactions before a power loss can be lost, as on the phone.
 */
/** Statements longer than this are not kept: their text carries values (see below). */
const MAX_CACHED_SQL = 2000;

function tuneSqliteConnection(adapter: SQLiteAdapter): void {
  const { database } = sqliteConnection(adapter);
  const instance = database?.instance;
  if (!database || !instance) return;
  instance.pragma('journal_mode = WAL');
  instance.pragma('synchronous = NORMAL');
  const statements = new Map<string, ReturnType<BetterSqlite['prepare']>>();
  const prepared = (query: string) => {
    let statement = statements.get(query);
    if (!statement) {
      statement = instance.prepare(query);
      // A long text is a one-off: WatermelonDB writes the values of `Q.oneOf` into the SQL (a
      // lookup of 900 ids is ~25 kB of text and ~0.2 MB of SQLite's memory, outside V8's heap).
      // Kept, a first pull of a million records grew by tens of MB (test/db/statement-cache.test.ts).
      if (query.length > MAX_CACHED_SQL) return statement;
      if (statements.size >= 1000) statements.clear();
      statements.set(query, statement);
    }
    return statement;
  };
  database.execute = (query, args = []) => prepared(query).run(args);
  database.queryRaw = (query, args = []) => {
    const statement = prepared(query);
    return statement.all(args);
  };
}

interface LokiLike {
  close(callback: (error?: unknown) => void): void;
  throttledSaveDrain(callback: () => void, options: { recursiveWait: boolean }): void;
}

/**
 * LokiJS's close calls back at once when nothing is dirty, even while an autosave it started
 * earlier is still writing the file; a caller that then removes the folder met ENOTEMPTY (CI,
 * test/sync/malformed-remote.test.ts on a slow machine). So close, then wait until no save is
 * pending: when this resolves, nothing writes the file any more.
 */
async function closeLoki(adapter: LokiJSAdapter): Promise<void> {
  const loki = (adapter as unknown as { _driver: { loki: LokiLike } })._driver.loki;
  await new Promise<void>((resolve, reject) =>
    loki.close((error) => (error ? reject(error) : resolve())),
  );
  await new Promise<void>((resolve) =>
    loki.throttledSaveDrain(() => resolve(), { recursiveWait: true }),
  );
}

/**
 * WatermelonDB's LokiJS fork has no file persistence; the `lokijs` package's LokiFsAdapter does.
 * Its deleteDatabase fails on a file that was never written (WatermelonDB deletes before the
 * first set-up), so that case is treated as done.
 */
function makeLokiFileAdapter(): unknown {
  const { LokiFsAdapter } = require('lokijs') as {
    LokiFsAdapter: new () => { deleteDatabase(name: string, cb: (error?: unknown) => void): void };
  };
  const fsAdapter = new LokiFsAdapter();
  fsAdapter.deleteDatabase = (name, cb) =>
    fs.unlink(name, (error) => cb(error && error.code !== 'ENOENT' ? error : undefined));
  return fsAdapter;
}
