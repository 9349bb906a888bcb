import type { Command } from 'commander';
import { openBackend } from '../emulators/backend';
import { FuzzHistory, type SoakSummary, summarizeSoak } from '../scenario/fuzz-history';
import { type FuzzSummary, runFuzz } from '../scenario/run-fuzz';
import { parseDuration } from './duration';
import { EXIT, UsageError } from './errors';
import { parseInteger } from './global-options';
import { INJECT_HELP, parseInjectFlag } from './inject-flag';
import { type Printer, printerFor, wrapAction } from './output';
import { guardTarget } from './production-guard';
import { writeReports } from './scenario-reports';

/**
 * `scenario fuzz --runs N [--seed S]`: random scenarios, judged; failures shrunk to files.
 * With `--duration` it is a soak: it runs until the time is up (or Ctrl-C), keeps one JSON line per
 * run in `--out`/history.jsonl, and ends with a summary — also when interrupted.
 */
export function registerFuzzCommand(scenario: Command): void {
  scenario
    .command('fuzz')
    .description('generate random scenarios, check invariants, shrink failures to replayable files')
    .option('--runs <n>', 'how many scenarios (with --duration: at most; default unlimited)', '20')
    .option(
      '--duration <time>',
      'soak: keep fuzzing this long (e.g. 30m, 8h); Ctrl-C ends it early',
    )
    .option(
      '--from-run <n>',
      'start at this run index (default 0; a soak goes on from its history)',
    )
    .option(
      '--out <dir>',
      'where shrunk failing scenarios (and, when given or soaking, history.jsonl) are written',
      'fuzz-failures',
    )
    .option('--no-shrink', 'do not shrink failures (faster)')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--report <file.html>', 'write a self-contained HTML report')
    .option('--inject <defects>', INJECT_HELP)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ personalai-sync scenario fuzz --runs 50 --seed 20261125',
        '  $ personalai-sync scenario fuzz --duration 30m --seed 7 --out soak  # a soak, with history',
        '  $ personalai-sync scenario fuzz --seed 7 --from-run 412 --runs 1     # replay one run of it',
        '',
        'A soak prints one line per run and a summary at the end; the first Ctrl-C stops after the',
        'run in progress, a second stops at once. Both print the summary.',
        '',
      ].join('\n'),
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as {
          runs: string;
          duration?: string;
          fromRun?: string;
          out: string;
          shrink: boolean;
          junit?: string;
          report?: string;
          inject?: string;
        };
        const defects = parseInjectFlag(flags.inject);
        const durationMs =
          flags.duration === undefined ? null : parseDuration('--duration', flags.duration);
        if (durationMs === 0) throw new UsageError('--duration must be longer than 0, e.g. 30m.');
        const runsGiven = command.getOptionValueSource('runs') !== 'default';
        const runs =
          durationMs !== null && !runsGiven
            ? Number.POSITIVE_INFINITY
            : parseInteger('--runs', flags.runs, 1);
        await guardTarget(options, 'scenario fuzz');
        const seed = options.seed ?? Math.floor(Date.now() % 2_147_483_647);
        const { info } = printerFor(options);
        const soak = durationMs !== null;
        // A soak, or an --out the user named, keeps the history; a plain fuzz writes only failures.
        const history =
          soak || command.getOptionValueSource('out') !== 'default'
            ? FuzzHistory.open(flags.out)
            : null;
        const resumeAt = history?.nextRun(seed) ?? 0;
        const firstRun =
          flags.fromRun === undefined ? resumeAt : parseInteger('--from-run', flags.fromRun, 0);
        // The seed comes first: a run that dies half-way can still be replayed.
        info(
          `fuzz seed ${seed}, ${Number.isFinite(runs) ? `${runs} scenario(s)` : 'scenarios'}${
            firstRun > 0 ? ` from run ${firstRun}` : ''
          }${durationMs !== null ? ` for ${flags.duration}` : ''}${
            history ? `; history: ${history.file}` : ''
          }${defects ? `; defects injected: ${[...defects].join(', ')}` : ''}`,
        );
        if (history && flags.fromRun === undefined && resumeAt > 0)
          info(`  going on from the history: runs 0–${resumeAt - 1} of seed ${seed} are done`);
        if (history && history.unreadable > 0)
          info(`  ${history.unreadable} unreadable line(s) in the history were left out`);
        let started = Date.now();
        // An object, not a `let`: it is set from signal handlers and callbacks the compiler cannot see.
        const stop: { reason: SoakSummary['stoppedBy'] } = { reason: 'runs' };
        let interrupts = 0;
        let stopNow: () => void = () => {};
        const interrupted = new Promise<'now'>((resolve) => {
          stopNow = () => resolve('now');
        });
        const onSignal = () => {
          interrupts += 1;
          stop.reason = 'signal';
          if (interrupts === 1)
            process.stderr.write(
              '\nstopping after the run in progress (Ctrl-C again to stop now)\n',
            );
          else stopNow();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        const shouldStop = () => {
          if (interrupts > 0) return true;
          if (durationMs !== null && Date.now() - started >= durationMs) {
            stop.reason = 'duration';
            return true;
          }
          return false;
        };
        const backend = await openBackend({
          dataDir: options.dataDir,
          projectId: options.project,
          firestoreFlag: options.firestore,
          storageFlag: options.storage,
        });
        let summary: FuzzSummary | null = null;
        try {
          started = Date.now(); // the soak's time counts from its first run, emulators started
          const fuzzing = runFuzz({
            runs,
            seed,
            firstRun,
            shouldStop,
            keepReports: !soak,
            history: history ?? undefined,
            outDir: flags.out,
            shrink: flags.shrink,
            projectId: backend.projectId,
            firestore: backend.firestore,
            storage: backend.storage,
            dataDir: options.dataDir,
            defects,
            onRun: (run, report) =>
              info(
                `${report.passed ? '✓' : '✗'} run ${run}: ${report.steps.length} steps, ${report.totals.conflicts} conflicts, ${report.totals.crashes} crashes${
                  report.passed
                    ? ''
                    : ` — violated ${report.invariants
                        .filter((i) => !i.holds)
                        .map((i) => i.name)
                        .join(', ')}; shrinking`
                }`,
              ),
            onShrink: (run, attempt, steps) =>
              info(`  run ${run}: shrink replay ${attempt}, ${steps} steps`),
          });
          const ended = await Promise.race([fuzzing, interrupted]);
          if (ended !== 'now') summary = ended;
          else fuzzing.catch(() => {}); // abandoned with the emulators it runs against
        } catch (error) {
          if (!soak || !history) throw error;
          // A soak keeps what it learned: the summary of the runs done, then the error.
          stop.reason = 'error';
          process.stderr.write(`personalai-sync: the soak stopped: ${(error as Error).message}\n`);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await backend.stop();
        }
        if (soak && history) {
          const soakSummary = summarizeSoak(
            seed,
            history.appended,
            Date.now() - started,
            stop.reason,
          );
          if (summary === null) {
            // Stopped at once by a second Ctrl-C: the run in progress was abandoned. Nothing is
            // left to wait for but that run's sockets; exit once the summary is out.
            setTimeout(() => process.exit(), 1000).unref();
          }
          return {
            result: { ...soakSummary, history: history.file },
            print: (r: SoakSummary & { history: string }, out: Printer) => printSoak(r, out),
            // Failures say more than the interruption; a clean soak cut short says it was cut.
            exitCode:
              soakSummary.failed > 0
                ? EXIT.failures
                : stop.reason === 'error'
                  ? EXIT.environment
                  : stop.reason === 'signal'
                    ? 130
                    : EXIT.ok,
          };
        }
        if (summary === null) return interruptedOutcome(stop.reason);
        writeReports(summary.reports, flags);
        const { reports: _reports, ...result } = summary;
        return {
          result,
          print: (r: Omit<FuzzSummary, 'reports'>, out: Printer) => {
            out.line(
              `fuzz seed ${r.seed}: ${r.passed} of ${r.runs} scenarios passed${r.stopped ? ' (stopped by Ctrl-C)' : ''}${
                r.injected.length > 0 ? ` (defects injected: ${r.injected.join(', ')})` : ''
              }`,
            );
            for (const f of r.failures) {
              out.line(
                `✗ run ${f.run}: ${f.violated.join(', ')} — shrunk from ${f.steps} to ${f.shrunkSteps ?? f.steps} steps`,
              );
              out.line(`  replay: ${f.replay}`);
            }
            if (r.failures.length > 0)
              out.line(
                `replay the whole fuzz run: npx personalai-sync scenario fuzz --runs ${r.runs} --seed ${r.seed}${r.firstRun > 0 ? ` --from-run ${r.firstRun}` : ''}${r.injected.length > 0 ? ` --inject ${r.injected.join(',')}` : ''}`,
              );
          },
          exitCode: summary.failures.length > 0 ? EXIT.failures : summary.stopped ? 130 : EXIT.ok,
        };
      }),
    );
}

/** A plain fuzz stopped at once by a second Ctrl-C: nothing was summarised (there is no history). */
function interruptedOutcome(reason: string) {
  setTimeout(() => process.exit(), 1000).unref();
  return {
    result: { stopped: true, reason },
    print: (_r: unknown, out: Printer) =>
      out.line('fuzz stopped by Ctrl-C; give --out DIR to keep a history of the runs done'),
    exitCode: 130,
  };
}

function printSoak(r: SoakSummary & { history: string }, out: Printer): void {
  const minutes = (r.wallMs / 60_000).toFixed(1);
  const how =
    r.stoppedBy === 'signal'
      ? ' (stopped by Ctrl-C)'
      : r.stoppedBy === 'error'
        ? ' (stopped by an error)'
        : '';
  out.line(
    `soak, seed ${r.seed}: ${r.passed} of ${r.runs} scenarios passed in ${minutes} min${how}${
      r.firstRun !== null ? `, runs ${r.firstRun}–${r.lastRun}` : ''
    }`,
  );
  if (r.runs === 0) {
    out.line(`history: ${r.history}`);
    return;
  }
  out.line(
    `  ${r.runsPerMinute} runs/min; a run took ${(r.runWallMs.p50 / 1000).toFixed(1)} s (p50), ${(r.runWallMs.p95 / 1000).toFixed(1)} s (p95), ${(r.runWallMs.max / 1000).toFixed(1)} s (max)`,
  );
  const t = r.totals;
  out.line(
    `  ${t.steps} steps, ${t.writes} writes, ${t.passes} sync passes, ${t.conflicts} conflicts, ${t.crashes} crashes, ${t.acksLost} lost acks, ${t.syncErrors} sync errors, ${t.healRounds} heal rounds`,
  );
  out.line(
    `  devices by SDK: ${Object.entries(r.sdks)
      .map(([sdk, n]) => `${sdk} ${n}`)
      .join(', ')}`,
  );
  for (const [name, n] of Object.entries(r.violations)) out.line(`  ${name} failed in ${n} run(s)`);
  for (const f of r.failures.slice(0, 20))
    out.line(
      `✗ run ${f.run}: ${f.violated.join(', ')}${f.file ? ` — npx personalai-sync scenario run ${f.file}` : ''}`,
    );
  if (r.failures.length > 20) out.line(`… and ${r.failures.length - 20} more (history)`);
  out.line(`history: ${r.history}`);
}
