import path from 'node:path';

/**
 * Where a device's local database lives, written URL-like so one option covers both adapters:
 *   sqlite:PATH     better-sqlite3 file (the default, what the app uses on phones)
 *   loki:memory     LokiJS in memory (gone when closed)
 *   loki:PATH       LokiJS persisted to a JSON file
 */
export type DatabaseLocation =
  | { adapter: 'sqlite'; file: string }
  | { adapter: 'loki'; file: string | null };

export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseLocation {
  const match = /^(sqlite|loki):(.+)$/.exec(url.trim());
  if (!match) {
    throw new DatabaseUrlError(
      `Database URL "${url}" is not understood: use sqlite:PATH, loki:memory or loki:PATH.`,
    );
  }
  const [, adapter, rest] = match;
  if (adapter === 'loki') {
    return { adapter: 'loki', file: rest === 'memory' ? null : path.resolve(cwd, rest) };
  }
  if (rest === 'memory') {
    // WatermelonDB's SQLite adapter has no honest in-memory mode outside NODE_ENV=test.
    throw new DatabaseUrlError('sqlite:memory is not supported: use loki:memory or sqlite:PATH.');
  }
  return { adapter: 'sqlite', file: path.resolve(cwd, rest) };
}
