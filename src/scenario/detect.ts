import path from 'node:path';
import { DEFECTS, type DefectInfo, type DefectName } from '../sync/defects';
import { runFuzz } from './run-fuzz';
import type { ScenarioReport } from './run-scenario';

/**
 * `scenario detect`: the harness's detection power, measured. For each defect of the zoo
 * (src/sync/defects.ts) the fuzzer runs with that defect switched on, from the same seed, until
 * its first failing scenario (at most `runs`); the failure is shrunk and its file kept. A defect
 * that no run finds is reported with the generator it would need (DEFECTS[name].missing).
 */
export interface DetectOptions {
  defects: readonly DefectName[];
  runs: number;
  seed: number;
  /** Shrunk failing scenarios go to `<filesDir>/<defect>/`. */
  filesDir: string;
  shrink?: boolean;
  /** Most replays a shrink may make: failing runs are slow (the heal retries), 60 is too many. */
  shrinkBudget?: number;
  projectId: string;
  firestore: string;
  storage: string | null;
  dataDir: string;
  onRun?: (defect: DefectName, run: number, report: ScenarioReport) => void;
  /** After each defect (the table so far: a long detection can be stopped and still reported). */
  onRow?: (row: DetectionRow, rows: DetectionRow[]) => void;
}

export interface DetectionRow {
  defect: DefectName;
  found: boolean;
  /** Runs made: up to and including the first failing one when found. */
  runs: number;
  /** Wall time from the defect's first run to the end of its first failing run (no shrinking). */
  msToDetection: number | null;
  /** Wall time of the whole row, shrinking included. */
  wallMs: number;
  shrunkSteps: number | null;
  shrunkDevices: number | null;
  /** Steps of the generated scenario that failed, before shrinking. */
  steps: number | null;
  violated: string[];
  file: string | null;
  replay: string | null;
  /** Not found: which generator would be needed (free text from DEFECTS). */
  missing: string | null;
  /** Cut short before its runs were done (a time box): `runs` passed, nothing more is known. */
  unfinished?: boolean;
}

export async function detectDefects(options: DetectOptions): Promise<DetectionRow[]> {
  const rows: DetectionRow[] = [];
  for (const defect of options.defects) {
    const started = Date.now();
    let detectedAt: number | null = null;
    const summary = await runFuzz({
      runs: options.runs,
      seed: options.seed,
      outDir: path.join(options.filesDir, defect),
      shrink: options.shrink ?? true,
      projectId: options.projectId,
      firestore: options.firestore,
      storage: options.storage,
      dataDir: options.dataDir,
      defects: new Set([defect]),
      stopAtFirstFailure: true,
      shrinkBudget: options.shrinkBudget ?? 24,
      onRun: (run, report) => {
        if (!report.passed && detectedAt === null) detectedAt = Date.now();
        options.onRun?.(defect, run, report);
      },
    });
    const failure = summary.failures[0] ?? null;
    const info: DefectInfo = DEFECTS[defect];
    const row: DetectionRow = {
      defect,
      found: failure !== null,
      runs: summary.runs,
      msToDetection: detectedAt === null ? null : detectedAt - started,
      wallMs: Date.now() - started,
      shrunkSteps: failure ? (failure.shrunkSteps ?? failure.steps) : null,
      shrunkDevices: failure ? failure.shrunkDevices : null,
      steps: failure ? failure.steps : null,
      violated: failure ? failure.violated : [],
      file: failure?.file ?? null,
      replay: failure?.replay ?? null,
      missing: failure ? null : (info.missing ?? 'unknown: no generator known to be missing'),
    };
    rows.push(row);
    options.onRow?.(row, rows);
  }
  return rows;
}
