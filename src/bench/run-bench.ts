import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStorageEmulator } from '../emulators/storage-emulator';
import { pullClientCeiling, pushClientCeiling } from './client-sdk';
import { drainAfterOffline } from './drain';
import { type Figure, megabytesPerSecond, perSecond } from './figure';
import { filesCeiling, filesOurs, makePhotos } from './files';
import { BENCH_PROJECT, benchEmulators, type OnEmulator } from './fresh-emulator';
import { localRawSqlite, localWatermelon } from './local';
import { type Spread, spread } from './measure';
import { pullCeiling, pullOurs, seedRemote } from './pull';
import { protocolCeiling, pushCeiling, pushDesign, pushOurs } from './push';
import { protocolUpdates, pushUpdatesOurs } from './push-updates';
import { seedRemoteRaw } from './seed-raw';
import { inWatermelonMode, type WatermelonMode, watermelonMode } from './watermelon-mode';

/**
 * `personalai-sync bench`: each phase runs its contenders after a warm-up, K times, interleaved
 * (A B C A B C …), every Firestore run on a freshly started emulator. Ratios of medians are the
 * headline; targets are reported, never asserted.
 */
export const PHASES = [
  'push',
  'pull',
  'client-push',
  'client-pull',
  'local',
  'files',
  'drain',
  'memory',
  'memory-1m',
] as const;
export type Phase = (typeof PHASES)[number];

/** Phases run only when named in --phases: memory-1m seeds and pulls a million records. */
export const OPT_IN_PHASES: readonly Phase[] = ['memory-1m'];
export const DEFAULT_PHASES: readonly Phase[] = PHASES.filter((p) => !OPT_IN_PHASES.includes(p));

/** The opt-in memory phase's records. */
export const MILLION = 1_000_000;

export interface BenchOptions {
  records: number;
  runs: number;
  /** The app's current design is one round trip per record: measured on fewer records. */
  designRecords: number;
  /** The client SDK has the rules evaluated for every write: its phases use fewer records. */
  clientRecords: number;
  photos: number;
  drainRecords: number;
  memoryRecords: number;
  phases: Phase[];
  /**
   * Every run on one emulator, reset between runs, instead of a fresh one each: much faster, for
   * smoke runs that check the command works; the figures drift as the emulator ages.
   */
  oneEmulator?: boolean;
  /**
   * WatermelonDB's mode for the measured runs: 'release' (the default: NODE_ENV=production, its
   * development checks off, as a release build of the app runs it) or 'development' (checks on,
   * as the tests run it). See watermelon-mode.ts.
   */
  watermelon?: WatermelonMode;
  dir: string;
  onProgress?: (text: string) => void;
}

export interface Contender {
  name: string;
  label: string;
  records: number;
  unit: 'records/s' | 'MB/s';
  rates: number[];
  rate: Spread;
  ms: Spread;
  peakRssMB: number;
  note?: string;
}

export interface Ratio {
  name: string;
  value: number;
  target: number | null;
  met: boolean | null;
}

export interface PhaseReport {
  phase: Phase;
  contenders: Contender[];
  ratios: Ratio[];
  /** Phase-specific figures (drain latency, memory). */
  extra?: Record<string, number | null>;
}

export interface BenchReport {
  startedAt: string;
  durationMs: number;
  machine: { cpus: number; cpuModel: string; memoryGB: number; node: string; platform: string };
  options: Omit<BenchOptions, 'dir' | 'onProgress' | 'watermelon'>;
  /** The mode the engine was measured in (WatermelonDB's development checks off or on). */
  mode: { watermelon: WatermelonMode; nodeEnv: string | null };
  phases: PhaseReport[];
}

type Run = () => Promise<Figure & { note?: string }>;
interface Entry {
  name: string;
  label: string;
  unit: Contender['unit'];
  run: Run;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const emulators = benchEmulators(options.oneEmulator ?? false);
  try {
    return await inWatermelonMode(options.watermelon ?? 'release', () =>
      measureAll(options, emulators.run),
    );
  } finally {
    await emulators.close();
  }
}

async function measureAll(options: BenchOptions, onEmulator: OnEmulator): Promise<BenchReport> {
  const started = Date.now();
  const say = options.onProgress ?? (() => {});
  const phases: PhaseReport[] = [];
  fs.mkdirSync(options.dir, { recursive: true });
  let sequence = 0;
  const scratch = () => fs.mkdtempSync(path.join(options.dir, `run-${sequence++}-`));

  /** Warm-up of each contender (not counted), then K interleaved rounds. */
  const compare = async (phase: Phase, entries: Entry[], warmUp: Entry[]): Promise<Contender[]> => {
    for (const entry of warmUp) {
      say(`${phase}: warm-up ${entry.label}`);
      await entry.run();
    }
    const figures = new Map<string, Array<Figure & { note?: string }>>(
      entries.map((e) => [e.name, []]),
    );
    for (let round = 1; round <= options.runs; round += 1)
      for (const entry of entries) {
        say(`${phase}: run ${round}/${options.runs} ${entry.label}`);
        figures.get(entry.name)!.push(await entry.run());
      }
    return entries.map((entry) => {
      const list = figures.get(entry.name)!;
      const rates = list.map((f) => (entry.unit === 'MB/s' ? megabytesPerSecond(f) : perSecond(f)));
      return {
        name: entry.name,
        label: entry.label,
        records: list[0].records,
        unit: entry.unit,
        rates,
        rate: spread(rates),
        ms: spread(list.map((f) => f.ms)),
        peakRssMB: Math.max(...list.map((f) => f.peakRssMB)),
        ...(list[0].note ? { note: list[0].note } : {}),
      };
    });
  };
  const ratio = (contenders: Contender[], a: string, b: string, target: number | null): Ratio => {
    const top = contenders.find((c) => c.name === a)!.rate.median;
    const bottom = contenders.find((c) => c.name === b)!.rate.median;
    const value = top / bottom;
    return { name: `${a} / ${b}`, value, target, met: target === null ? null : value >= target };
  };
  const n = options.records;
  const warmN = Math.min(n, 500);
  const designN = Math.min(n, options.designRecords);
  const clientN = Math.min(n, options.clientRecords);
  const warmClientN = Math.min(clientN, 100);

  if (options.phases.includes('push')) {
    const entries = (count: number, designCount: number): Entry[] => [
      {
        name: 'ours',
        label: 'sync engine',
        unit: 'records/s',
        run: () => onEmulator((e) => pushOurs(e, scratch(), count)),
      },
      {
        name: 'ceiling',
        label: 'raw firebase-admin',
        unit: 'records/s',
        run: () =>
          onEmulator(async (e) => {
            const f = await pushCeiling(e, count);
            return { ...f, note: f.method };
          }),
      },
      {
        name: 'protocol',
        label: 'firebase-admin, the engine’s protocol',
        unit: 'records/s',
        run: () =>
          onEmulator(async (e) => ({
            ...(await protocolCeiling(e, count)),
            note: 'create-if-absent + server timestamps, engine batches, the version read back',
          })),
      },
      // Edits of records already on the server (push-updates.ts): updates cost the protocol more
      // than creates (a read first, a precondition, `_ft` stamps), so both are measured.
      {
        name: 'ours-update',
        label: 'sync engine, edits',
        unit: 'records/s',
        run: () => onEmulator((e) => pushUpdatesOurs(e, scratch(), count)),
      },
      {
        name: 'protocol-update',
        label: 'firebase-admin, the engine’s protocol, edits',
        unit: 'records/s',
        run: () =>
          onEmulator(async (e) => ({
            ...(await protocolUpdates(e, count)),
            note: 'read, update with lastUpdateTime precondition and _ft stamps, the version read back',
          })),
      },
      {
        name: 'design',
        label: "app's current design",
        unit: 'records/s',
        run: async () => ({
          ...(await onEmulator((e) => pushDesign(e, scratch(), designCount))),
          ...(designCount < count ? { note: `measured on ${designCount} records` } : {}),
        }),
      },
    ];
    const contenders = await compare(
      'push',
      entries(n, designN),
      entries(warmN, Math.min(warmN, 200)),
    );
    phases.push({
      phase: 'push',
      contenders,
      // What the protocol costs (protocol / ceiling, no target: it is the price of not losing
      // data) apart from what the engine adds on top of it (ours / protocol).
      ratios: [
        ratio(contenders, 'ours', 'ceiling', 0.8),
        ratio(contenders, 'ours', 'protocol', 0.9),
        ratio(contenders, 'protocol', 'ceiling', null),
        ratio(contenders, 'ours-update', 'protocol-update', 0.9),
        ratio(contenders, 'protocol-update', 'ceiling', null),
        ratio(contenders, 'ours', 'design', 20),
      ],
    });
  }

  if (options.phases.includes('pull')) {
    const entries = (count: number): Entry[] => [
      {
        name: 'ours',
        label: 'sync engine, first sync',
        unit: 'records/s',
        run: () =>
          onEmulator(async (e) => {
            await seedRemote(e, scratch(), count);
            return pullOurs(e, scratch(), count);
          }),
      },
      {
        name: 'ceiling',
        label: 'raw paged query',
        unit: 'records/s',
        run: () =>
          onEmulator(async (e) => {
            await seedRemote(e, scratch(), count);
            return pullCeiling(e, count);
          }),
      },
    ];
    const contenders = await compare('pull', entries(n), entries(warmN));
    phases.push({ phase: 'pull', contenders, ratios: [ratio(contenders, 'ours', 'ceiling', 0.9)] });
  }

  // The same work through the app's own SDK, signed in as the user with the rules enforced,
  // beside the raw client SDK doing it as fast as it can (src/bench/client-sdk.ts).
  if (options.phases.includes('client-push')) {
    const entries = (count: number): Entry[] => [
      {
        name: 'ours',
        label: 'sync engine, client SDK',
        unit: 'records/s',
        run: () => onEmulator((e) => pushOurs(e, scratch(), count, { sdk: 'client' })),
      },
      {
        name: 'ceiling',
        label: 'raw client SDK batches',
        unit: 'records/s',
        run: () => onEmulator((e) => pushClientCeiling(e, count)),
      },
    ];
    const contenders = await compare('client-push', entries(clientN), entries(warmClientN));
    phases.push({
      phase: 'client-push',
      contenders,
      ratios: [ratio(contenders, 'ours', 'ceiling', 0.8)],
    });
  }

  if (options.phases.includes('client-pull')) {
    const entries = (count: number): Entry[] => [
      {
        name: 'ours',
        label: 'sync engine, client SDK, first sync',
        unit: 'records/s',
        run: () =>
          onEmulator(async (e) => {
            await seedRemote(e, scratch(), count);
            return pullOurs(e, scratch(), count, 'puller', 'client');
          }),
      },
      {
        name: 'ceiling',
        label: 'raw client SDK paged query',
        unit: 'records/s',
        run: () =>
          onEmulator(async (e) => {
            await seedRemote(e, scratch(), count);
            return pullClientCeiling(e, count);
          }),
      },
    ];
    const contenders = await compare('client-pull', entries(clientN), entries(warmClientN));
    phases.push({
      phase: 'client-pull',
      contenders,
      ratios: [ratio(contenders, 'ours', 'ceiling', 0.8)],
    });
  }

  if (options.phases.includes('local')) {
    const entries = (count: number): Entry[] => [
      {
        name: 'watermelon-sqlite',
        label: 'WatermelonDB batch, SQLite',
        unit: 'records/s',
        run: () => localWatermelon(scratch(), count, 'sqlite'),
      },
      {
        name: 'watermelon-loki',
        label: 'WatermelonDB batch, LokiJS',
        unit: 'records/s',
        run: () => localWatermelon(scratch(), count, 'loki'),
      },
      {
        name: 'raw-sqlite',
        label: 'better-sqlite3, one transaction',
        unit: 'records/s',
        run: () => localRawSqlite(scratch(), count),
      },
    ];
    const contenders = await compare('local', entries(n), entries(warmN));
    phases.push({
      phase: 'local',
      contenders,
      ratios: [
        ratio(contenders, 'watermelon-sqlite', 'raw-sqlite', 0.5),
        ratio(contenders, 'watermelon-loki', 'raw-sqlite', null),
      ],
    });
  }

  if (options.phases.includes('files')) {
    say('files: generating photos');
    const photos = await makePhotos(path.join(options.dir, 'photos'), options.photos);
    const storage = await startStorageEmulator({
      host: '127.0.0.1',
      port: 0,
      projectId: BENCH_PROJECT,
    });
    try {
      const entries = (list: string[]): Entry[] => [
        {
          name: 'ours',
          label: 'sync engine, thumbnails made when recorded',
          unit: 'MB/s',
          run: () => onEmulator((e) => filesOurs(e, storage.endpoint, scratch(), list)),
        },
        {
          name: 'ceiling',
          label: 'raw upload, 4 in flight',
          unit: 'MB/s',
          run: () => filesCeiling(storage.endpoint, list),
        },
      ];
      const contenders = await compare('files', entries(photos), entries(photos.slice(0, 1)));
      phases.push({
        phase: 'files',
        contenders,
        ratios: [ratio(contenders, 'ours', 'ceiling', 0.8)],
      });
    } finally {
      await storage.stop();
    }
  }

  if (options.phases.includes('drain')) {
    const latencies: Array<{ p50: number | null; p95: number | null }> = [];
    const entries = (count: number, keep: boolean): Entry[] => [
      {
        name: 'ours',
        label: `drain ${count} records after offline`,
        unit: 'records/s',
        run: () =>
          onEmulator(async (e) => {
            const f = await drainAfterOffline(e, scratch(), count);
            if (keep) latencies.push({ p50: f.p50Ms, p95: f.p95Ms });
            return f;
          }),
      },
    ];
    const contenders = await compare(
      'drain',
      entries(options.drainRecords, true),
      entries(Math.min(200, options.drainRecords), false),
    );
    phases.push({
      phase: 'drain',
      contenders,
      ratios: [],
      extra: {
        p50Ms: spread(latencies.map((l) => l.p50 ?? 0)).median,
        p95Ms: spread(latencies.map((l) => l.p95 ?? 0)).median,
      },
    });
  }

  // The memory figures: a first pull in a process of its own (memory-probe.ts), of
  // --memory-records, and (opt-in) of a million records.
  for (const [phase, records] of [
    ['memory', options.memoryRecords],
    ['memory-1m', MILLION],
  ] as const) {
    if (!options.phases.includes(phase)) continue;
    phases.push(await memoryPhase(phase, records, onEmulator, scratch, say));
  }

  const cpus = os.cpus();
  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGB: Math.round(os.totalmem() / 1_073_741_824),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    options: {
      records: options.records,
      runs: options.runs,
      designRecords: options.designRecords,
      clientRecords: options.clientRecords,
      oneEmulator: options.oneEmulator ?? false,
      photos: options.photos,
      drainRecords: options.drainRecords,
      memoryRecords: options.memoryRecords,
      phases: options.phases,
    },
    mode: { watermelon: watermelonMode(), nodeEnv: process.env.NODE_ENV ?? null },
    phases,
  };
}

/**
 * The V8 heap limit of the memory probe's process. Without one, V8 lets the heap grow while the
 * pull allocates fast (page after page of short-lived objects) and collects late: pages of 5,000
 * peaked at 359 MB for 100,000 records, with the limit at 250 MB for 18% more CPU (docs/bench.md).
 * The live data is two pages per collection, well under it.
 */
export const MEMORY_PROBE_HEAP_MB = 192;

async function runMemoryProbe(
  endpoint: string,
  dir: string,
  n: number,
): Promise<Figure & { maxRssMB: number }> {
  const probe = path.join(__dirname, 'memory-probe.ts');
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${MEMORY_PROBE_HEAP_MB}`,
      '--require',
      require.resolve('tsx/cjs'),
      probe,
      endpoint,
      dir,
      String(n),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the memory probe failed (exit ${code}): ${err.trim()}`);
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** The peak RSS the memory phases are held to. */
export const MEMORY_LIMIT_MB = 400;

/**
 * One memory figure: N of the engine's documents seeded with raw batched writes (seed-raw.ts, not
 * measured), then a first pull of them in a process of its own. The phase's wall time, seeding
 * and emulator included, is reported beside it (a million records take minutes).
 */
async function memoryPhase(
  phase: Phase,
  records: number,
  onEmulator: OnEmulator,
  scratch: () => string,
  say: (text: string) => void,
): Promise<PhaseReport> {
  const started = performance.now();
  let seedMs = 0;
  const probe = await onEmulator(async (e) => {
    say(`${phase}: seeding ${records} records`);
    const seeding = performance.now();
    await seedRemoteRaw(e, records);
    seedMs = performance.now() - seeding;
    say(`${phase}: first pull of ${records} records in a process of its own`);
    return runMemoryProbe(e, scratch(), records);
  });
  return {
    phase,
    contenders: [
      {
        name: 'ours',
        label: `first pull of ${records} records (own process)`,
        records,
        unit: 'records/s',
        rates: [perSecond(probe)],
        rate: spread([perSecond(probe)]),
        ms: spread([probe.ms]),
        peakRssMB: probe.maxRssMB,
      },
    ],
    ratios: [],
    extra: {
      maxRssMB: probe.maxRssMB,
      limitMB: MEMORY_LIMIT_MB,
      underLimit: probe.maxRssMB < MEMORY_LIMIT_MB ? 1 : 0,
      seedMs: Math.round(seedMs),
      phaseMs: Math.round(performance.now() - started),
    },
  };
}
