import type { DataTable } from '../../src/db/schema-v2';
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
