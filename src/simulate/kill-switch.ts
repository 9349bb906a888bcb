import type { RemoteStore } from '../sync/remote-store';

/**
 * A process that kills itself with SIGKILL at a named point of its life: the n-th time a marker
 * is reached, optionally after a delay. Used by the crash-safety test's device process
 * (test/fixtures/crash-device.ts) and the scenario `kill` step's child sync pass
 * (src/simulate/sync-child.ts). Markers go out as JSON lines on stdout first (synchronous on
 * Linux pipes, so every line printed before the kill reaches the parent).
 *
 * Markers: those of the remote calls (`pull-request`, `pull-page`, `commit-sent`,
 * `commit-acked`), `sql-in-transaction` (a SQL statement about to run inside an open SQLite
 * transaction: WatermelonDB's batch is several statements in one transaction), `schema-setup`
 * (a first launch's schema written, its transaction not committed), and whatever else the
 * process marks itself (sync-start, write-intent, …).
 */
export interface KillAim {
  at: string;
  nth: number;
  delayMs: number;
}

export type EmitLine = (event: Record<string, unknown>) => void;

/** Prints a JSON line on stdout (the parent reads them). */
export const printLine: EmitLine = (event) => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

export class KillSwitch {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly aim: KillAim | null,
    private readonly emit: EmitLine = printLine,
  ) {}

  /** How many times the aimed point was reached (short of its n-th time, if still alive). */
  reached(): number {
    return this.aim ? (this.counts.get(this.aim.at) ?? 0) : 0;
  }

  /** Prints a phase marker, then dies if it is the aimed one. */
  mark(at: string, extra: Record<string, unknown> = {}): void {
    this.emit({ ev: 'mark', at, ...extra });
    this.maybeKill(at);
  }

  /** Dies here if this is the n-th occurrence of the aimed point. */
  maybeKill(at: string, detail?: string): void {
    const aim = this.aim;
    if (!aim || aim.at !== at) return;
    const n = (this.counts.get(at) ?? 0) + 1;
    this.counts.set(at, n);
    if (n !== aim.nth) return;
    const die = () => {
      this.emit({ ev: 'self-kill', at, detail });
      process.kill(process.pid, 'SIGKILL');
    };
    if (aim.delayMs > 0) setTimeout(die, aim.delayMs);
    else die();
  }

  /**
   * Phase markers around the remote calls (the engine's own code runs unchanged).
   * `findUnseen: false` leaves the pull's completeness check out (the crash-safety device runs
   * without it, as it always has); a scenario device has it.
   */
  markedRemote(remote: RemoteStore, { findUnseen = true } = {}): RemoteStore {
    return {
      pullPage: async (table, userId, after, limit) => {
        this.mark('pull-request');
        const page = await remote.pullPage(table, userId, after, limit);
        if (page.docs.length > 0) this.mark('pull-page');
        return page;
      },
      ...(remote.pullVersions && {
        pullVersions: async (...args: Parameters<NonNullable<RemoteStore['pullVersions']>>) => {
          this.mark('pull-request');
          const page = await remote.pullVersions!(...args);
          if (page.docs.length > 0) this.mark('pull-page');
          return page;
        },
      }),
      getMany: (table, ids) => remote.getMany(table, ids),
      ...(findUnseen && remote.findUnseen && { findUnseen: remote.findUnseen.bind(remote) }),
      commit: async (table, writes, deviceId) => {
        this.mark('commit-sent');
        const outcomes = await remote.commit(table, writes, deviceId);
        this.mark('commit-acked');
        return outcomes;
      },
      reportProgress: (userId, deviceId, pulledThrough) =>
        remote.reportProgress(userId, deviceId, pulledThrough),
    };
  }

  /**
   * Aimed kills inside a SQLite transaction: WatermelonDB's Node adapter runs a batch as
   * statements inside one better-sqlite3 transaction; the n-th such statement kills the process
   * before it runs (the transaction is open and partly written). Call after the database opened.
   */
  instrumentSqlite(): void {
    if (this.aim?.at !== 'sql-in-transaction') return;
    const bridge = require('@nozbe/watermelondb/adapters/sqlite/sqlite-node/DatabaseBridge')
      .default as {
      connections: Record<
        string,
        {
          driver?: {
            database?: {
              instance?: { inTransaction: boolean };
              execute(q: string, a?: unknown[]): unknown;
            };
          };
        }
      >;
    };
    for (const connection of Object.values(bridge.connections)) {
      const database = connection.driver?.database;
      if (!database) continue;
      const execute = database.execute.bind(database);
      database.execute = (query, args) => {
        if (database.instance?.inTransaction)
          this.maybeKill(
            'sql-in-transaction',
            query.split(/\s+/).slice(0, 3).join(' ').replace(/"/g, ''),
          );
        return execute(query, args);
      };
    }
  }

  /**
   * Aimed kill during the first launch: WatermelonDB creates the schema with one exec() inside a
   * transaction that also sets the schema version; the process dies after the exec, before
   * commit. Call before the database opens.
   */
  instrumentSchemaSetup(): void {
    if (this.aim?.at !== 'schema-setup') return;
    const Sqlite = require('better-sqlite3') as {
      prototype: { inTransaction: boolean; exec(sql: string): unknown };
    };
    const exec = Sqlite.prototype.exec;
    const maybeKill = (at: string) => this.maybeKill(at);
    Sqlite.prototype.exec = function execThenMaybeDie(this: typeof Sqlite.prototype, sql: string) {
      const result = exec.call(this, sql);
      if (this.inTransaction) maybeKill('schema-setup');
      return result;
    };
  }
}
