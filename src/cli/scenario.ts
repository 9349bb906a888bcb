import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { FleetSdk } from '../core/sdk';
import { openBackend } from '../emulators/backend';
import { withKnobs } from '../scenario/device-settings';
import type { ScenarioSpec } from '../scenario/format';
import { guardRun } from '../scenario/guard-run';
import { loadScenarioFile } from '../scenario/load-scenario';
import { runScenario, type ScenarioReport } from '../scenario/run-scenario';
import type { DefectName } from '../sync/defects';
import { EXIT, UsageError } from './errors';
import type { GlobalOptions } from './global-options';
import { INJECT_HELP, parseInjectFlag } from './inject-flag';
import { addKnobOptions, parseKnobs } from './knob-options';
import { type Printer, printerFor, wrapAction } from './output';
import { printScenarioReport, replayCommand } from './print-scenario-report';
import { guardTarget } from './production-guard';
import { parseSdk } from './run-options';
import { registerDetectCommand } from './scenario-detect';
import { registerFuzzCommand } from './scenario-fuzz';
import { writeReports } from './scenario-reports';
import { startSpinner } from './spinner';

/**
 * `scenario run FILE...`: replays scenario files against the emulators and judges each one.
 * Every file is validated before anything runs (a bad file: exit 2, nothing started). Each
 * scenario prints its seed before it starts; a failed one prints the command that replays it.
 */
export function registerScenarioCommand(program: Command): void {
  const scenario = program
    .command('scenario')
    .description('replay scenario files, check invariants, fuzz for failures');

  addKnobOptions(scenario.command('run'), "each scenario's own")
    .description('replay scenarios on a virtual clock against the emulators and check invariants')
    .argument('<files...>', 'scenario files (YAML); a folder means every .yaml in it')
    .option('--junit <file>', 'write a JUnit XML report (one test case per scenario and invariant)')
    .option('--report <file.html>', 'write a self-contained HTML report with timelines')
    .option('--keep', "keep each run's device databases and emulator data for inspection", false)
    .option('--inject <defects>', INJECT_HELP)
    .option(
      '--sdk <sdk>',
      "the SDK of devices that do not name one: admin, client (the app's SDK, rules enforced) or mixed (alternating); default: each scenario's own `sdk`",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync scenario run scenarios/\n  $ personalai-sync scenario run scenarios/ --sdk mixed\n  $ personalai-sync scenario run scenarios/long-offline.yaml --seed 7 --report out.html\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as {
          junit?: string;
          report?: string;
          keep: boolean;
          sdk?: string;
          inject?: string;
        };
        const sdk = flags.sdk === undefined ? undefined : parseSdk(flags.sdk, true);
        const knobs = parseKnobs(flags);
        const defects = parseInjectFlag(flags.inject);
        const files = expandFiles(command.args);
        // The flags replace each scenario's own knobs (a device that names its own keeps them).
        const loaded = files.map((file) => ({
          file,
          scenario: withKnobs(loadScenarioFile(file), knobs),
        }));
        await guardTarget(options, 'scenario run');
        const reports = await replayAll(loaded, options, flags.keep, sdk, defects);
        writeReports(reports, flags);
        const failed = reports.filter((r) => !r.passed).length;
        return {
          result: { passed: reports.length - failed, failed, scenarios: reports },
          print: (result: { scenarios: ScenarioReport[] }, out: Printer) =>
            printAll(result.scenarios, out),
          exitCode: failed === 0 ? EXIT.ok : EXIT.failures,
        };
      }),
    );

  registerFuzzCommand(scenario);
  registerDetectCommand(scenario);

  scenario
    .command('check')
    .description('validate scenario files without running them')
    .argument('<files...>', 'scenario files (YAML) or folders')
    .action(
      wrapAction(async (_options, command) => {
        const files = expandFiles(command.args);
        const checked = files.map((file) => {
          const spec = loadScenarioFile(file);
          return { file, name: spec.name, steps: spec.steps.length };
        });
        return {
          result: { files: checked },
          print: (
            result: { files: Array<{ file: string; name: string; steps: number }> },
            out: Printer,
          ) => {
            for (const f of result.files) out.line(`✓ ${f.file}: "${f.name}", ${f.steps} steps`);
          },
        };
      }),
    );
}

export function expandFiles(args: string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(arg);
    } catch {
      throw new UsageError(`No such scenario file or folder: ${arg}.`);
    }
    if (stat.isDirectory()) {
      const inside = fs
        .readdirSync(arg)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(arg, f));
      if (inside.length === 0) throw new UsageError(`No .yaml files in ${arg}.`);
      files.push(...inside);
    } else files.push(arg);
  }
  return files;
}

export async function replayAll(
  loaded: Array<{ file: string | null; scenario: ScenarioSpec }>,
  options: GlobalOptions,
  keep: boolean,
  sdk?: FleetSdk,
  defects?: ReadonlySet<DefectName>,
): Promise<ScenarioReport[]> {
  const out = printerFor(options);
  const backend = await openBackend({
    dataDir: options.dataDir,
    projectId: options.project,
    firestoreFlag: options.firestore,
    storageFlag: options.storage,
  });
  const reports: ScenarioReport[] = [];
  try {
    for (const { file, scenario } of loaded) {
      const seed = options.seed ?? scenario.seed;
      // The seed comes first, so even a run that dies half-way can be replayed.
      out.info(`▶ ${scenario.name} — seed ${seed}${file ? ` (${file})` : ''}`);
      const spinner = startSpinner(options, `${scenario.name}: starting`);
      try {
        // A run that throws, or leaves a rejection unheard, still ends with a report.
        const guarded = await guardRun({ scenario, file, seed }, () =>
          runScenario({
            scenario,
            file,
            seed,
            sdk,
            projectId: backend.projectId,
            firestore: backend.firestore,
            storage: backend.storage,
            dataDir: options.dataDir,
            keep,
            defects,
            onStep: (_i, label) => spinner.update(`${scenario.name}: ${label}`),
          }),
        );
        reports.push(guarded.report);
        if (guarded.closedClientRejections > 0)
          out.info(
            `  (${guarded.closedClientRejections} late rejection(s) of closed devices' Firestore clients ignored)`,
          );
      } finally {
        spinner.stop();
      }
    }
  } finally {
    await backend.stop();
  }
  return reports;
}

function printAll(reports: ScenarioReport[], out: Printer) {
  for (const report of reports) printScenarioReport(report, out);
  const failed = reports.filter((r) => !r.passed);
  out.line();
  out.line(`${reports.length - failed.length} passed, ${failed.length} failed`);
  for (const r of failed) out.line(`  replay: ${replayCommand(r)}`);
}
