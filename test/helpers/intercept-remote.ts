import type { DataTable } from '../../src/db/schema-current';
import type { PullCursor, RemoteStore, RemoteWrite } from '../../src/sync/remote-store';

/**
 * Wraps the real Firestore remote to observe calls and to inject the network's misbehaviour
 * (a named test double around the real thing: every write still reaches the real emulator).
 */
export interface RemoteHooks {
  beforeCommit?(table: DataTable, writes: RemoteWrite[]): Promise<void> | void;
  /** Runs after the real commit succeeded; throwing here models a lost acknowledgement. */
  afterCommit?(table: DataTable, writes: RemoteWrite[]): Promise<void> | void;
  beforePull?(table: DataTable, after: PullCursor | null): Promise<void> | void;
}

export interface CallLog {
  commits: Array<{ table: DataTable; size: number }>;
  pulls: Array<{ table: DataTable; size: number }>;
  getMany: number;
}

export function interceptRemote(
  real: RemoteStore,
  hooks: RemoteHooks = {},
): RemoteStore & { log: CallLog } {
  const log: CallLog = { commits: [], pulls: [], getMany: 0 };
  return {
    log,
    async pullPage(table, userId, after, limit) {
      await hooks.beforePull?.(table, after);
      const page = await real.pullPage(table, userId, after, limit);
      log.pulls.push({ table, size: page.docs.length });
      return page;
    },
    async getMany(table, ids) {
      log.getMany += 1;
      return real.getMany(table, ids);
    },
    reportProgress: (userId, deviceId, pulledThrough) =>
      real.reportProgress(userId, deviceId, pulledThrough),
    async commit(table, writes, deviceId) {
      await hooks.beforeCommit?.(table, writes);
      const outcomes = await real.commit(table, writes, deviceId);
      log.commits.push({ table, size: writes.length });
      await hooks.afterCommit?.(table, writes);
      return outcomes;
    },
  };
}

/** An error shaped like the gRPC errors firebase-admin throws. */
export function grpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * A network that turns into a black hole on request: from `open()` on, every call (pull, read,
 * commit, progress report) waits out the client deadline on the test's clock and fails with
 * DEADLINE_EXCEEDED, as the deadline wrapper makes a call that never gets an answer fail. Calls
 * before that reach the real emulator. `attempts` counts the calls made into the hole.
 */
export function blackHoleRemote(
  real: RemoteStore,
  clock: { sleep(ms: number): Promise<void> },
  deadlineMs: number,
): RemoteStore & { open(): void; close(): void; attempts: number } {
  let dark = false;
  const remote = {
    attempts: 0,
    open() {
      dark = true;
    },
    close() {
      dark = false;
    },
  };
  const through =
    <A extends unknown[], T>(what: string, call: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      if (!dark) return call(...args);
      remote.attempts += 1;
      await clock.sleep(deadlineMs);
      throw grpcError(4, `DEADLINE_EXCEEDED: ${what} got no answer within ${deadlineMs} ms`);
    };
  return Object.assign(remote, {
    pullPage: through('pull', real.pullPage.bind(real)),
    getMany: through('read', real.getMany.bind(real)),
    commit: through('commit', real.commit.bind(real)),
    reportProgress: through('progress report', real.reportProgress.bind(real)),
  });
}
