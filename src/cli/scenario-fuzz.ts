import type { Command } from 'commander';
import { openBackend } from '../emulators/backend';
import { type FuzzSummary, runFuzz } from '../scenario/run-fuzz';
import { type DefectName, parseDefectNames, UnknownDefectError } from '../sync/defects';
import { EXIT, UsageError } from './errors';
import { parseInteger } from './global-options';
import { type Printer, printerFor, wrapAction } from './output';
import { guardTarget } from './production-guard';
import { writeReports } from './scenario-reports';

/** `scenario fuzz --runs N [--seed S]`: random scenarios, judged; failures shrunk to files. */
export function registerFuzzCommand(scenario: Command): void {
  scenario
    .command('fuzz')
    .description('generate random scenarios, check invariants, shrink failures to replayable files')
    .option('--runs <n>', 'how many scenarios', '20')
    .option('--out <dir>', 'where shrunk failing scenarios are written', 'fuzz-failures')
    .option('--no-shrink', 'do not shrink failures (faster)')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--report <file.html>', 'write a self-contained HTML report')
    .option(
      '--inject <defects>',
      'FOR TESTING THE HARNESS: switch on named engine defects (comma-separated; see `scenario detect`, docs/detection.md); emulators only',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync scenario fuzz --runs 50 --seed 20261125\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as {
          runs: string;
          out: string;
          shrink: boolean;
          junit?: string;
          report?: string;
          inject?: string;
        };
        const runs = parseInteger('--runs', flags.runs, 1);
        const defects = parseInjectFlag(flags.inject);
        await guardTarget(options, 'scenario fuzz');
        const seed = options.seed ?? Math.floor(Date.now() % 2_147_483_647);
        const { info } = printerFor(options);
        // The seed comes first: a run that dies half-way can still be replayed.
        info(
          `fuzz seed ${seed}, ${runs} scenario(s)${defects ? `, defects injected: ${[...defects].join(', ')}` : ''}`,
        );
        const backend = await openBackend({
          dataDir: options.dataDir,
          projectId: options.project,
          firestoreFlag: options.firestore,
          storageFlag: options.storage,
        });
        let summary: FuzzSummary;
        try {
          summary = await runFuzz({
            runs,
            seed,
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
        } finally {
          await backend.stop();
        }
        writeReports(summary.reports, flags);
        const { reports: _reports, ...result } = summary;
        return {
          result,
          print: (r: Omit<FuzzSummary, 'reports'>, out: Printer) => {
            const injected =
              r.injected.length > 0 ? ` (defects injected: ${r.injected.join(', ')})` : '';
            out.line(`fuzz seed ${r.seed}: ${r.passed} of ${r.ran} scenarios passed${injected}`);
            for (const f of r.failures) {
              out.line(
                `✗ run ${f.run}: ${f.violated.join(', ')} — shrunk from ${f.steps} to ${f.shrunkSteps ?? f.steps} steps`,
              );
              out.line(`  replay: ${f.replay}`);
            }
            if (r.failures.length > 0)
              out.line(
                `replay the whole fuzz run: npx personalai-sync scenario fuzz --runs ${r.runs} --seed ${r.seed}${r.injected.length > 0 ? ` --inject ${r.injected.join(',')}` : ''}`,
              );
          },
          exitCode: summary.failures.length === 0 ? EXIT.ok : EXIT.failures,
        };
      }),
    );
}

/** `--inject a,b`: the named defects (undefined: none); an unknown name is a usage error. */
export function parseInjectFlag(value: string | undefined): ReadonlySet<DefectName> | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--inject needs at least one defect name.');
  try {
    return new Set(parseDefectNames(names));
  } catch (error) {
    if (error instanceof UnknownDefectError) throw new UsageError(error.message);
    throw error;
  }
}
