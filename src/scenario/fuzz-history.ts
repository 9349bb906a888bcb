import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioReport } from './run-scenario';

/**
 * A soak's memory: one JSON line per fuzz run in `DIR/history.jsonl`, appended as each run ends,
 * so a soak stopped by Ctrl-C, a crash or a reboot keeps everything it learned, and the next
 * soak of the same seed in the same directory goes on from the first run it has not done.
 */
export interface FuzzHistoryEntry {
  /** The fuzz seed and run index: `scenario fuzz --seed S` generates run i the same every time. */
  seed: number;
  run: number;
  /** The generated scenario's own seed. */
  scenarioSeed: number;
  passed: boolean;
  violated: string[];
  steps: number;
  devices: number;
  sdks: Record<string, string>;
  /** When the run ended (ISO), and its wall and virtual time. */
  at: string;
  wallMs: number;
  virtualMs: number;
  totals: ScenarioReport['totals'];
  /** The shrunk failing scenario, for a failed run. */
  file: string | null;
  shrunkSteps: number | null;
}

export const HISTORY_FILE = 'history.jsonl';

export function historyEntry(
  seed: number,
  run: number,
  report: ScenarioReport,
  failure: { file: string | null; shrunkSteps: number | null } | null,
  at: Date,
): FuzzHistoryEntry {
  return {
    seed,
    run,
    scenarioSeed: report.seed,
    passed: report.passed,
    violated: report.invariants.filter((i) => !i.holds).map((i) => i.name),
    steps: report.steps.length,
    devices: report.devices.length,
    sdks: report.sdks,
    at: at.toISOString(),
    wallMs: report.wallMs,
    virtualMs: report.virtualMs,
    totals: report.totals,
    file: failure?.file ?? null,
    shrunkSteps: failure?.shrunkSteps ?? null,
  };
}

export class FuzzHistory {
  private constructor(
    readonly file: string,
    /** What the file held when it was opened (lines that do not parse are counted, not kept). */
    readonly previous: FuzzHistoryEntry[],
    readonly unreadable: number,
  ) {}

  /** The lines this process appended. */
  readonly appended: FuzzHistoryEntry[] = [];

  static open(dir: string): FuzzHistory {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, HISTORY_FILE);
    const previous: FuzzHistoryEntry[] = [];
    let unreadable = 0;
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          const entry = JSON.parse(line) as FuzzHistoryEntry;
          if (Number.isInteger(entry.seed) && Number.isInteger(entry.run)) previous.push(entry);
          else unreadable += 1;
        } catch {
          // A line cut short by a kill mid-write: the run is simply done again.
          unreadable += 1;
        }
      }
    }
    return new FuzzHistory(file, previous, unreadable);
  }

  /** The first run of `seed` not in the history: where a soak of that seed goes on. */
  nextRun(seed: number): number {
    let next = 0;
    for (const entry of this.previous)
      if (entry.seed === seed) next = Math.max(next, entry.run + 1);
    return next;
  }

  /** Appends one line; synchronous, so a Ctrl-C right after a run still finds it written. */
  append(entry: FuzzHistoryEntry): void {
    fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
    this.appended.push(entry);
  }
}

export interface SoakSummary {
  seed: number;
  runs: number;
  passed: number;
  failed: number;
  /** The run indexes covered (first..last), e.g. when a soak went on from an earlier one. */
  firstRun: number | null;
  lastRun: number | null;
  wallMs: number;
  runsPerMinute: number;
  /** Wall time of one run (ms). */
  runWallMs: { p50: number; p95: number; max: number };
  /** How often each invariant failed. */
  violations: Record<string, number>;
  totals: {
    steps: number;
    passes: number;
    conflicts: number;
    crashes: number;
    syncErrors: number;
    acksLost: number;
    healRounds: number;
    writes: number;
  };
  /** Which SDK the devices synced through, counted over all runs' devices. */
  sdks: Record<string, number>;
  failures: Array<{ run: number; violated: string[]; file: string | null }>;
  stoppedBy: 'runs' | 'duration' | 'signal' | 'error';
}

/** Pure: the figures of a soak from its history entries. */
export function summarizeSoak(
  seed: number,
  entries: FuzzHistoryEntry[],
  wallMs: number,
  stoppedBy: SoakSummary['stoppedBy'],
): SoakSummary {
  const walls = entries.map((e) => e.wallMs).sort((a, b) => a - b);
  const quantile = (q: number) =>
    walls.length === 0 ? 0 : walls[Math.min(walls.length - 1, Math.ceil(q * walls.length) - 1)];
  const violations: Record<string, number> = {};
  const sdks: Record<string, number> = {};
  const totals: SoakSummary['totals'] = {
    steps: 0,
    passes: 0,
    conflicts: 0,
    crashes: 0,
    syncErrors: 0,
    acksLost: 0,
    healRounds: 0,
    writes: 0,
  };
  for (const e of entries) {
    for (const name of e.violated) violations[name] = (violations[name] ?? 0) + 1;
    for (const sdk of Object.values(e.sdks)) sdks[sdk] = (sdks[sdk] ?? 0) + 1;
    totals.steps += e.steps;
    totals.passes += e.totals.passes;
    totals.conflicts += e.totals.conflicts;
    totals.crashes += e.totals.crashes;
    totals.syncErrors += e.totals.syncErrors;
    totals.acksLost += e.totals.acksLost;
    totals.healRounds += e.totals.healRounds;
    totals.writes += e.totals.writes;
  }
  const failures = entries
    .filter((e) => !e.passed)
    .map((e) => ({ run: e.run, violated: e.violated, file: e.file }));
  return {
    seed,
    runs: entries.length,
    passed: entries.length - failures.length,
    failed: failures.length,
    firstRun: entries.length > 0 ? Math.min(...entries.map((e) => e.run)) : null,
    lastRun: entries.length > 0 ? Math.max(...entries.map((e) => e.run)) : null,
    wallMs,
    runsPerMinute: wallMs > 0 ? Math.round((entries.length / wallMs) * 60_000 * 10) / 10 : 0,
    runWallMs: { p50: quantile(0.5), p95: quantile(0.95), max: walls.at(-1) ?? 0 },
    violations,
    totals,
    sdks,
    failures,
    stoppedBy,
  };
}
