import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { openBackend } from '../emulators/backend';
import { type DetectionRow, detectDefects } from '../scenario/detect';
import { detectionMarkdown } from '../scenario/detection-markdown';
import { DEFECT_NAMES, type DefectName } from '../sync/defects';
import { EXIT } from './errors';
import { parseInteger } from './global-options';
import { parseInjectFlag } from './inject-flag';
import { type Printer, printerFor, wrapAction } from './output';
import { guardTarget } from './production-guard';

/** The seed the committed table was made with: a fixed one, so the table reproduces. */
export const DETECT_SEED = 20261125;

/**
 * `scenario detect`: fuzz each defect of the zoo until the judge fails a scenario, shrink it, and
 * write the detection table (docs/detection.md), rewritten after each defect so a long run that is
 * stopped still leaves what it measured.
 */
export function registerDetectCommand(scenario: Command): void {
  scenario
    .command('detect')
    .description(
      'measure the harness: fuzz each test-only engine defect until it is found, write docs/detection.md',
    )
    .option('--defects <names>', 'comma-separated defects (default: the whole zoo)')
    .option('--runs <n>', 'most runs per defect', '200')
    .option('--out <file.md>', 'where the table is written', 'docs/detection.md')
    .option(
      '--files <dir>',
      'where shrunk failing scenarios go (a folder per defect)',
      'docs/detection',
    )
    .option('--no-shrink', 'do not shrink (faster; the files keep the generated scenario)')
    .addHelpText(
      'after',
      `\nDefects: ${DEFECT_NAMES.join(', ')}\nExamples:\n  $ personalai-sync scenario detect --defects push-only,lost-update --runs 20\n  $ nice -n 10 personalai-sync scenario detect --runs 200 --seed ${DETECT_SEED}\n`,
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as {
          defects?: string;
          runs: string;
          out: string;
          files: string;
          shrink: boolean;
        };
        const runs = parseInteger('--runs', flags.runs, 1);
        const defects: DefectName[] = flags.defects
          ? [...(parseInjectFlag(flags.defects) ?? [])]
          : [...DEFECT_NAMES];
        const seed = options.seed ?? DETECT_SEED;
        await guardTarget(options, 'scenario detect');
        const { info } = printerFor(options);
        const commandLine = `npx personalai-sync scenario detect${flags.defects ? ` --defects ${defects.join(',')}` : ''} --runs ${runs} --seed ${seed}${flags.out === 'docs/detection.md' ? '' : ` --out ${flags.out}`}`;
        info(`detect: ${defects.length} defect(s), up to ${runs} runs each, seed ${seed}`);
        const writeTable = (rows: DetectionRow[]) => {
          fs.mkdirSync(path.dirname(flags.out), { recursive: true });
          fs.writeFileSync(
            flags.out,
            detectionMarkdown({
              seed,
              runs,
              defects,
              rows,
              command: commandLine,
              date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
              machine: `${os.cpus().length} cores, Node ${process.version}`,
            }),
          );
        };
        const backend = await openBackend({
          dataDir: options.dataDir,
          projectId: options.project,
          firestoreFlag: options.firestore,
          storageFlag: options.storage,
        });
        let rows: DetectionRow[];
        try {
          rows = await detectDefects({
            defects,
            runs,
            seed,
            filesDir: flags.files,
            shrink: flags.shrink,
            projectId: backend.projectId,
            firestore: backend.firestore,
            storage: backend.storage,
            dataDir: options.dataDir,
            onRun: (defect, run, report) =>
              info(
                `  ${defect}: run ${run} ${
                  report.passed
                    ? '✓'
                    : `✗ ${report.invariants
                        .filter((i) => !i.holds)
                        .map((i) => i.name)
                        .join(', ')} — shrinking`
                }`,
              ),
            onRow: (row, sofar) => {
              info(describeRow(row));
              writeTable(sofar);
            },
          });
        } finally {
          await backend.stop();
        }
        writeTable(rows);
        const result = { seed, runs, out: flags.out, rows };
        return {
          result,
          print: (r: typeof result, out: Printer) => {
            for (const row of r.rows) out.line(describeRow(row));
            const found = r.rows.filter((x) => x.found).length;
            out.line(`${found} of ${r.rows.length} defects found; table written to ${r.out}`);
          },
          exitCode: rows.every((r) => r.found) ? EXIT.ok : EXIT.failures,
        };
      }),
    );
}

function describeRow(r: DetectionRow): string {
  return r.found
    ? `✓ ${r.defect}: found in run ${r.runs} (${((r.msToDetection ?? 0) / 1000).toFixed(1)} s) — ${r.violated.join(', ')}; shrunk to ${r.shrunkSteps} steps, ${r.shrunkDevices} devices: ${r.file}`
    : `✗ ${r.defect}: not found in ${r.runs} runs — missing: ${r.missing}`;
}
