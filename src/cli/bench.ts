import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { appendHistory, historyEntry, readHistory } from '../bench/history';
import { historyChartHtml } from '../bench/history-chart';
import { resultsMarkdown } from '../bench/results-markdown';
import {
  type BenchReport,
  DEFAULT_PHASES,
  OPT_IN_PHASES,
  PHASES,
  type Phase,
  runBench,
} from '../bench/run-bench';
import { modeText } from '../bench/watermelon-mode';
import { UsageError } from './errors';
import { parseInteger } from './global-options';
import { type Printer, wrapAction } from './output';
import { guardTarget } from './production-guard';
import { startSpinner } from './spinner';

/** `bench`: sync throughput side by side with the raw ceiling and the app's current design. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(
      'sync throughput against the raw ceiling and the app’s current design (fresh emulator per run)',
    )
    .option('--records <n>', 'records for push, pull and local', '10000')
    .option('--runs <k>', 'measured runs per contender (after a warm-up)', '3')
    .option(
      '--design-records <n>',
      "records for the app's current design (one round trip each)",
      '1000',
    )
    .option(
      '--client-records <n>',
      'records for the client-SDK phases (the rules are evaluated per write: ~100 writes/s here)',
      '2000',
    )
    .option('--photos <n>', 'photos for the files phase', '20')
    .option('--drain-records <n>', 'pending records for the drain phase', '1000')
    .option('--memory-records <n>', 'records for the first-pull memory figure', '100000')
    .option(
      '--one-emulator',
      'every run on one emulator reset in between (fast smoke runs; figures drift as it ages)',
      false,
    )
    .option(
      '--dev-checks',
      'measure with WatermelonDB’s development checks on (default: off, as a release build runs it)',
      false,
    )
    .option(
      '--phases <list>',
      `which phases: ${PHASES.join(',')} (${OPT_IN_PHASES.join(', ')} only when named: a million records, several minutes)`,
      DEFAULT_PHASES.join(','),
    )
    .option('--results <file>', 'also write the figures as Markdown (bench/RESULTS.md)')
    .option(
      '--history <file>',
      'append the ratios to this history (JSON lines) and redraw its chart beside it (.html)',
      'bench/history.jsonl',
    )
    .option('--no-history', 'do not append to the history')
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync bench\n  $ personalai-sync bench --records 500 --runs 1 --memory-records 2000 --photos 2   # npm run bench:smoke\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const f = command.opts() as Record<string, string>;
        const phases = f.phases
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        const unknown = phases.filter((p) => !(PHASES as readonly string[]).includes(p));
        if (phases.length === 0 || unknown.length > 0)
          throw new UsageError(
            `--phases takes a comma-separated list of ${PHASES.join(', ')}; got "${f.phases}".`,
          );
        const settings = {
          records: parseInteger('--records', f.records, 5),
          runs: parseInteger('--runs', f.runs, 1),
          designRecords: parseInteger('--design-records', f.designRecords, 5),
          clientRecords: parseInteger('--client-records', f.clientRecords, 5),
          photos: parseInteger('--photos', f.photos, 1),
          drainRecords: parseInteger('--drain-records', f.drainRecords, 5),
          memoryRecords: parseInteger('--memory-records', f.memoryRecords, 5),
          phases: phases as Phase[],
          oneEmulator: Boolean(f.oneEmulator),
        };
        // bench measures on emulators it starts itself (project demo-personalai-bench); a real
        // project id given with --project is refused rather than silently ignored.
        await guardTarget(options, 'bench');
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'personalai-bench-'));
        const spinner = startSpinner(options, 'bench: starting');
        let report: BenchReport;
        try {
          report = await runBench({
            ...settings,
            watermelon: f.devChecks ? 'development' : 'release',
            dir,
            onProgress: (t) => {
              spinner.update(`bench: ${t}`);
              // A run takes minutes: without a terminal, progress goes to stderr line by line.
              if (!process.stderr.isTTY && !options.quiet) process.stderr.write(`bench: ${t}\n`);
            },
          });
        } finally {
          spinner.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        }
        const history = recordHistory(
          report,
          f.history as unknown as string | false,
          settings.oneEmulator,
        );
        if (f.results) {
          const line = `npx personalai-sync ${process.argv.slice(2).join(' ')}`;
          fs.mkdirSync(path.dirname(path.resolve(f.results)), { recursive: true });
          fs.writeFileSync(f.results, resultsMarkdown(report, line));
        }
        return {
          result: { ...report, history },
          print: (r: BenchReport, out: Printer) => {
            printBench(r, out);
            out.line(history.note);
          },
        };
      }),
    );
}

/**
 * Appends the run to the history and redraws the chart (history.jsonl → history.html). A run on
 * one shared emulator (--one-emulator, the smoke run) is not recorded: its figures drift.
 */
function recordHistory(
  report: BenchReport,
  file: string | false,
  oneEmulator: boolean,
): { file: string | null; chart: string | null; runs: number; note: string } {
  if (file === false)
    return { file: null, chart: null, runs: 0, note: 'history: not recorded (--no-history)' };
  if (oneEmulator)
    return {
      file: null,
      chart: null,
      runs: 0,
      note: 'history: not recorded (--one-emulator figures are not for comparing)',
    };
  appendHistory(file, historyEntry(report, currentCommit()));
  const { entries, unreadable } = readHistory(file);
  const chart = file.replace(/\.jsonl?$/, '') + '.html';
  fs.writeFileSync(chart, historyChartHtml(entries));
  return {
    file,
    chart,
    runs: entries.length,
    note: `history: ${entries.length} run(s) in ${file}${unreadable ? ` (${unreadable} unreadable line(s) skipped)` : ''}; chart: ${chart}`,
  };
}

/** The commit this checkout is at, if it is a git checkout (for the history; null otherwise). */
function currentCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: path.resolve(__dirname, '..', '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printBench(report: BenchReport, out: Printer): void {
  const m = report.machine;
  out.line(
    `bench — ${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GiB, node ${m.node}; ${report.options.runs} run(s) each after a warm-up, fresh emulator per run`,
  );
  out.line(`WatermelonDB: ${modeText(report.mode)}`);
  for (const phase of report.phases) {
    out.line();
    out.line(phase.phase.toUpperCase());
    for (const c of phase.contenders) {
      const digits = c.unit === 'MB/s' ? 1 : 0;
      out.line(
        `  ${c.label.padEnd(34)} ${fmt(c.records).padStart(7)} rec  median ${fmt(c.rate.median, digits).padStart(7)} ${c.unit}  (min ${fmt(c.rate.min, digits)}, max ${fmt(c.rate.max, digits)})  peak RSS ${c.peakRssMB} MB${c.note ? `  [${c.note}]` : ''}`,
      );
    }
    for (const r of phase.ratios)
      out.line(
        `  → ${r.name}: ${r.value.toFixed(2)}×${r.target === null ? '' : `  (target ≥ ${r.target}×: ${r.met ? 'met' : 'MISSED'})`}`,
      );
    if (phase.phase === 'drain' && phase.extra)
      out.line(
        `  → per record, online → acknowledged: p50 ${fmt(phase.extra.p50Ms ?? 0)} ms, p95 ${fmt(phase.extra.p95Ms ?? 0)} ms`,
      );
    if (phase.phase.startsWith('memory') && phase.extra)
      out.line(
        `  → peak RSS ${phase.extra.maxRssMB} MB (limit ${phase.extra.limitMB} MB: ${phase.extra.underLimit ? 'under' : 'OVER'}); phase ${fmt((phase.extra.phaseMs ?? 0) / 1000, 1)} s, of which seeding ${fmt((phase.extra.seedMs ?? 0) / 1000, 1)} s`,
      );
  }
  out.line();
  out.line(`took ${fmt(report.durationMs / 1000, 1)} s`);
}
