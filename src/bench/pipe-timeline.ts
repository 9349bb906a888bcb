import fs from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { wireDevice } from '../adapters/device-wiring';
import { systemClock } from '../core/clock';
import { openDatabase } from '../db/open-database';
import type { RemoteStore } from '../sync/remote-store';
import { encodeVersion } from '../sync/version';
import { BENCH_USER } from './bench-device';
import { BENCH_PROJECT, withFreshEmulator } from './fresh-emulator';
import { benchRows } from './records';

/**
 * The push's commit pipe and CPU, seen from inside the engine's process (issue 19): N pending
 * records on a SQLite bench device, one `syncAll` against a fresh emulator, with the remote
 * wrapped so that every batch commit's departure and return is timed from the start of syncAll,
 * and process.cpuUsage() taken around the pass (records only, admin SDK, no files).
 *
 *   npx tsx src/bench/pipe-timeline.ts [--records 10000] [--runs 3] [--json] [--in-process] [--profile FILE]
 *
 * Prints per run: CPU per 10,000 records, wall time, when the first commit left, when 4 were in
 * flight, when the last returned. A/B runs of two checkouts: run it from each, alternately.
 * `--in-process` answers every call from memory instead of an emulator (the engine's own CPU).
 * `--profile FILE` writes a V8 CPU profile of the last run's syncAll (open it in Chrome DevTools).
 */

export interface CommitSpan {
  table: string;
  writes: number;
  leftMs: number;
  returnedMs: number;
}

/** Another remote call (pull page, unseen check, progress report), timed the same way. */
export interface CallSpan {
  call: string;
  table: string | null;
  leftMs: number;
  returnedMs: number;
}

export interface PipeRun {
  records: number;
  wallMs: number;
  cpuMs: number;
  cpuMsPer10k: number;
  firstCommitMs: number | null;
  /** When `inFlight` commits were first in flight at once (null: never). */
  fullPipeMs: number | null;
  lastReturnMs: number | null;
  /** When the last pull page returned: the push of a collection starts after its pull. */
  lastPullMs: number | null;
  commits: CommitSpan[];
  calls: CallSpan[];
}

/** The moment `depth` commits were first in flight together (pure). */
export function firstDepthAt(commits: readonly CommitSpan[], depth: number): number | null {
  const events = commits.flatMap((c) => [
    { at: c.leftMs, delta: 1 },
    { at: c.returnedMs, delta: -1 },
  ]);
  // A return at the same instant as a departure is counted first: "in flight" means overlapping.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  for (const { at, delta } of events) {
    open += delta;
    if (open >= depth) return at;
  }
  return null;
}

/** Wraps a remote so every commit's departure and return is recorded relative to `origin()`. */
function timedRemote(
  remote: RemoteStore,
  origin: () => number,
  commits: CommitSpan[],
  calls: CallSpan[],
): RemoteStore {
  const timed =
    <A extends unknown[], R>(call: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const leftMs = performance.now() - origin();
      try {
        return await fn(...args);
      } finally {
        const table = typeof args[0] === 'string' ? args[0] : null;
        calls.push({ call, table, leftMs, returnedMs: performance.now() - origin() });
      }
    };
  const findUnseen = remote.findUnseen?.bind(remote);
  return {
    pullPage: timed('pullPage', remote.pullPage.bind(remote)),
    getMany: timed('getMany', remote.getMany.bind(remote)),
    reportProgress: timed('reportProgress', remote.reportProgress.bind(remote)),
    findUnseen: findUnseen && timed('findUnseen', findUnseen),
    commit: async (table, writes, deviceId) => {
      const leftMs = performance.now() - origin();
      try {
        return await remote.commit(table, writes, deviceId);
      } finally {
        commits.push({
          table,
          writes: writes.length,
          leftMs,
          returnedMs: performance.now() - origin(),
        });
      }
    },
  };
}

/**
 * A remote that answers at once from memory (`--in-process`): every write is accepted, pulls
 * find nothing. The pass's CPU is then the engine's own (no SDK encoding, no emulator sharing
 * the cores), which makes same-round A/B comparisons of engine changes far less noisy.
 */
export function instantRemote(): RemoteStore {
  let tick = 0;
  return {
    pullPage: async () => ({ docs: [], readTime: encodeVersion({ seconds: 1, nanoseconds: 0 }) }),
    getMany: async () => new Map(),
    reportProgress: async () => {},
    commit: async (_table, writes) => {
      tick += 1;
      const version = encodeVersion({ seconds: 1_700_000_000 + tick, nanoseconds: 0 });
      return writes.map((w) => ({ id: w.id, status: 'written' as const, version }));
    },
  };
}

/** Starts the V8 CPU profiler; the returned function stops it and writes the profile to `file`. */
export async function startProfile(file: string): Promise<() => Promise<void>> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

export async function pipeRun(
  endpoint: string,
  dir: string,
  n: number,
  profileFile?: string,
  inProcess = false,
): Promise<PipeRun> {
  fs.mkdirSync(dir, { recursive: true });
  const opened = await openDatabase(`sqlite:${path.join(dir, 'timeline.db')}`);
  const commits: CommitSpan[] = [];
  const calls: CallSpan[] = [];
  let started = performance.now();
  const wired = wireDevice({
    endpoints: { projectId: BENCH_PROJECT, firestore: endpoint, storage: null },
    database: opened.database,
    deviceId: 'timeline',
    userId: BENCH_USER,
    clock: systemClock,
    wrapRemote: (remote) =>
      timedRemote(inProcess ? instantRemote() : remote, () => started, commits, calls),
  });
  try {
    await wired.sync.initialize(BENCH_USER);
    for (const { table, rows } of benchRows(n)) await wired.sync.store.create(table, rows);
    commits.length = 0;
    calls.length = 0;
    const stopProfile = profileFile ? await startProfile(profileFile) : null;
    const cpuBefore = process.cpuUsage();
    started = performance.now();
    const result = await wired.sync.syncAll();
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    await stopProfile?.();
    if (result.pushed !== n || result.failed > 0)
      throw new Error(`pipe-timeline: ${result.pushed} of ${n} pushed, ${result.failed} failed`);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    commits.sort((a, b) => a.leftMs - b.leftMs);
    return {
      records: n,
      wallMs,
      cpuMs,
      cpuMsPer10k: (cpuMs * 10_000) / n,
      firstCommitMs: commits[0]?.leftMs ?? null,
      fullPipeMs: firstDepthAt(commits, 4),
      lastReturnMs: lastReturn(commits),
      lastPullMs: lastReturn(calls.filter((c) => c.call === 'pullPage')),
      commits,
      calls,
    };
  } finally {
    await opened.close();
    await wired.close();
  }
}

function lastReturn(spans: ReadonlyArray<{ returnedMs: number }>): number | null {
  return spans.length ? Math.max(...spans.map((c) => c.returnedMs)) : null;
}

function ms(value: number | null): string {
  return value === null ? 'never' : `${Math.round(value)} ms`;
}

export function describeRun(run: PipeRun): string {
  return `${run.records} records: CPU ${Math.round(run.cpuMsPer10k)} ms per 10,000 records, wall ${ms(run.wallMs)}; pulls done at ${ms(run.lastPullMs)}; first commit at ${ms(run.firstCommitMs)}; 4 in flight at ${ms(run.fullPipeMs)}; last return at ${ms(run.lastReturnMs)} (${run.commits.length} commits)`;
}

/** A positive whole-number flag of these scripts (`--records 10000`), or its default. */
export function argValue(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} needs a positive whole number, got ${args[at + 1]}`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const n = argValue(args, '--records', 10_000);
  const runs = argValue(args, '--runs', 3);
  const json = args.includes('--json');
  const inProcess = args.includes('--in-process');
  const profileAt = args.indexOf('--profile');
  const profileFile =
    profileAt >= 0 ? path.resolve(args[profileAt + 1] ?? 'push.cpuprofile') : undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipe-timeline-'));
  const results: PipeRun[] = [];
  try {
    for (let r = 0; r < runs; r += 1) {
      const runDir = path.join(dir, `run-${r}`);
      const profile = r === runs - 1 ? profileFile : undefined;
      const run = inProcess
        ? await pipeRun('127.0.0.1:1', runDir, n, profile, true)
        : await withFreshEmulator((endpoint) => pipeRun(endpoint, runDir, n, profile));
      results.push(run);
      if (!json) console.log(describeRun(run));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (json) console.log(JSON.stringify(results));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
