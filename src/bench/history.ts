import fs from 'node:fs';
import path from 'node:path';
import type { BenchReport } from './run-bench';

/**
 * The benchmark's history: one JSON line per `bench` run (bench/history.jsonl by default), so the
 * ratios can be followed over time (`history-chart.ts` draws them). Only what a later reader needs
 * to compare runs is kept: when, on what commit and machine, with which settings, and each ratio.
 */
export interface HistoryEntry {
  at: string;
  commit: string | null;
  machine: string;
  records: number;
  runs: number;
  /** `push: ours / ceiling` → its value and target. */
  ratios: Record<string, { value: number; target: number | null }>;
}

export function historyEntry(report: BenchReport, commit: string | null): HistoryEntry {
  const ratios: HistoryEntry['ratios'] = {};
  for (const phase of report.phases)
    for (const r of phase.ratios)
      if (Number.isFinite(r.value))
        ratios[`${phase.phase}: ${r.name}`] = { value: r.value, target: r.target };
  const m = report.machine;
  return {
    at: report.startedAt,
    commit,
    machine: `${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GiB, node ${m.node}`,
    records: report.options.records,
    runs: report.options.runs,
    ratios,
  };
}

export function appendHistory(file: string, entry: HistoryEntry): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** The entries of a history file (none if it does not exist); a line cut short is counted, not fatal. */
export function readHistory(file: string): { entries: HistoryEntry[]; unreadable: number } {
  if (!fs.existsSync(file)) return { entries: [], unreadable: 0 };
  const entries: HistoryEntry[] = [];
  let unreadable = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as HistoryEntry;
      if (typeof entry.at === 'string' && entry.ratios && typeof entry.ratios === 'object')
        entries.push(entry);
      else unreadable += 1;
    } catch {
      unreadable += 1;
    }
  }
  return { entries, unreadable };
}
