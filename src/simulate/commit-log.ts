import type { DataTable } from '../db/schema-current';
import type { RemoteStore } from '../sync/remote-store';

/** One sync pass that sent several records of a collection, each in a commit of its own. */
export interface UnbatchedPass {
  pass: number;
  collection: DataTable;
  records: number;
}

/**
 * What a device's engine asks the server to commit, seen from outside (the harness wraps the
 * device's remote): commits, the largest, and the passes that were not batched. The engine
 * batches every due change of a collection (up to its batch size) into one commit, so a pass that
 * sent two or more different records of one collection, every commit carrying a single write, is
 * the app's "serial and slow" (defect 7) — one round trip per record. Conflict rounds and retries
 * repeat a record, and a permanent failure's halving starts from a larger commit: neither counts.
 */
export class CommitLog {
  commits = 0;
  largestCommit = 0;
  readonly unbatched: UnbatchedPass[] = [];
  private passes = 0;
  private current = new Map<DataTable, { ids: Set<string>; multi: boolean }>();

  /** `batchSize`: the device's knob (null: the engine's default); at 1 nothing can be batched. */
  constructor(private readonly batchSize: number | null = null) {}

  wrap(remote: RemoteStore): RemoteStore {
    return Object.assign(Object.create(remote) as RemoteStore, {
      commit: (...args: Parameters<RemoteStore['commit']>) => {
        const [table, writes] = args;
        this.commits += 1;
        this.largestCommit = Math.max(this.largestCommit, writes.length);
        const seen = this.current.get(table) ?? { ids: new Set<string>(), multi: false };
        for (const write of writes) seen.ids.add(write.id);
        if (writes.length > 1) seen.multi = true;
        this.current.set(table, seen);
        return remote.commit(...args);
      },
    });
  }

  /** Closes a pass (a crashed one too): judges its commits and starts the next. */
  endPass(): void {
    this.passes += 1;
    for (const [collection, seen] of this.current)
      if (!seen.multi && seen.ids.size >= 2 && this.batchSize !== 1)
        this.unbatched.push({ pass: this.passes, collection, records: seen.ids.size });
    this.current = new Map();
  }
}
