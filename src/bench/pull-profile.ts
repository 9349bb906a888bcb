import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { wireDevice } from '../adapters/device-wiring';
import { systemClock } from '../core/clock';
import { openDatabase } from '../db/open-database';
import type { DataTable } from '../db/schema-current';
import { decodeDocument } from '../sync/decode-document';
import type { PulledDoc, RemoteStore } from '../sync/remote-store';
import { encodeVersion, type TimestampLike } from '../sync/version';
import { BENCH_USER } from './bench-device';
import { BENCH_PROJECT } from './fresh-emulator';
import { argValue, instantRemote, startProfile } from './pipe-timeline';
import { benchRow, benchShares, wireDocument } from './records';

/**
 * The engine's own CPU for a first pull (issue 19): N of the engine's documents (the bench's
 * rows, decoded as the Firestore remote decodes them) served from memory page by page, pulled by
 * one `syncAll` of an empty SQLite device. No SDK and no emulator share the cores, so what it
 * prints is what the engine adds on top of a read (plan, lookups, inserts, checkpoints); the
 * bench's pull phase measures the whole thing against the emulator.
 *
 *   npx tsx src/bench/pull-profile.ts [--records 10000] [--runs 3] [--profile FILE]
 */

export interface PullProfileRun {
  records: number;
  wallMs: number;
  cpuMs: number;
  cpuMsPer10k: number;
}

/** A remote holding `n` decoded bench documents, paged in (server time, id) order. */
export function memoryPullRemote(n: number): RemoteStore {
  const byTable = new Map<DataTable, PulledDoc[]>();
  const at = Date.now();
  let tick = 0;
  for (const { table, count } of benchShares(n)) {
    const docs: PulledDoc[] = [];
    for (let i = 0; i < count; i += 1) {
      tick += 1;
      const time: TimestampLike = { seconds: 1_700_000_000 + tick, nanoseconds: 0 };
      const data = {
        ...wireDocument(table, benchRow(table, i), BENCH_USER, at),
        _server_time: time,
        _device: 'seeder',
        _deleted: false,
      };
      docs.push(
        decodeDocument(`seed-${String(i).padStart(7, '0')}`, data, time, (value) =>
          value && typeof value === 'object' && 'seconds' in value
            ? (value as TimestampLike)
            : null,
        ),
      );
    }
    byTable.set(table, docs);
  }
  const base = instantRemote();
  return {
    ...base,
    pullPage: async (table, _userId, after, limit) => {
      const docs = byTable.get(table) ?? [];
      let from = 0;
      if (after) {
        from = docs.findIndex(
          (d) =>
            (d.serverTime ?? '') > after.time ||
            (d.serverTime === after.time && after.id !== null && d.id > after.id),
        );
        if (from < 0) from = docs.length;
      }
      return {
        docs: docs.slice(from, from + limit),
        readTime: encodeVersion({ seconds: 1_800_000_000, nanoseconds: 0 }),
      };
    },
  };
}

export async function pullProfileRun(
  dir: string,
  n: number,
  profileFile?: string,
): Promise<PullProfileRun> {
  fs.mkdirSync(dir, { recursive: true });
  const opened = await openDatabase(`sqlite:${path.join(dir, 'pull.db')}`);
  const remote = memoryPullRemote(n);
  const wired = wireDevice({
    endpoints: { projectId: BENCH_PROJECT, firestore: '127.0.0.1:1', storage: null },
    database: opened.database,
    deviceId: 'pull-profile',
    userId: BENCH_USER,
    clock: systemClock,
    wrapRemote: () => remote,
  });
  try {
    await wired.sync.initialize(BENCH_USER);
    const stopProfile = profileFile ? await startProfile(profileFile) : null;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await wired.sync.syncAll();
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    await stopProfile?.();
    if (result.pulled !== n || result.failed > 0)
      throw new Error(`pull-profile: ${result.pulled} of ${n} pulled, ${result.failed} failed`);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return { records: n, wallMs, cpuMs, cpuMsPer10k: (cpuMs * 10_000) / n };
  } finally {
    await opened.close();
    await wired.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const n = argValue(args, '--records', 10_000);
  const runs = argValue(args, '--runs', 3);
  const profileAt = args.indexOf('--profile');
  const profileFile =
    profileAt >= 0 ? path.resolve(args[profileAt + 1] ?? 'pull.cpuprofile') : undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pull-profile-'));
  try {
    for (let r = 0; r < runs; r += 1) {
      const profile = r === runs - 1 ? profileFile : undefined;
      const run = await pullProfileRun(path.join(dir, `run-${r}`), n, profile);
      console.log(
        `${run.records} records: CPU ${Math.round(run.cpuMsPer10k)} ms per 10,000 records, wall ${Math.round(run.wallMs)} ms`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
