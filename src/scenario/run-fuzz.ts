import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { DefectName } from '../sync/defects';
import type { ScenarioInput } from './format';
import { generateScenario, parseGenerated, shrinkScenario } from './fuzz';
import { type FuzzHistory, historyEntry } from './fuzz-history';
import { guardRun } from './guard-run';
import { runScenario, type ScenarioReport } from './run-scenario';

/**
 * `scenario fuzz`: generate, replay and judge random scenarios; shrink each failure to a small
 * scenario and write it where `scenario run` replays it.
 */
export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Where shrunk failing scenarios are written. */
  outDir: string;
  shrink: boolean;
  projectId: string;
  firestore: string;
  storage: string | null;
  dataDir: string;
  /** The first run index (a soak going on from its history); runs are first..first+runs-1. */
  firstRun?: number;
  /** Asked before each run: a soak's time is up, or the user pressed Ctrl-C. */
  shouldStop?: () => boolean;
  /** Keep every report in the summary (for --junit/--report); a long soak keeps none. */
  keepReports?: boolean;
  /** Each run's line goes here as soon as it is judged (and shrunk). */
  history?: FuzzHistory;
  /** Test-only engine defects every device runs with (`--inject`, src/sync/defects.ts). */
  defects?: ReadonlySet<DefectName>;
  /** Stop at the first failure (after shrinking it): `scenario detect` wants runs to detection. */
  stopAtFirstFailure?: boolean;
  /** Most replays one shrink may make (default: shrinkScenario's). */
  shrinkBudget?: number;
  onRun?: (run: number, report: ScenarioReport) => void;
  /** Replays one scenario (default: runScenario on the emulators above; tests give their own). */
  runOne?: (input: ScenarioInput) => Promise<ScenarioReport>;
  onShrink?: (run: number, attempt: number, steps: number) => void;
}

export interface FuzzFailure {
  run: number;
  name: string;
  violated: string[];
  /**
   * What the failing run saw (its first violations, its totals): the shrunk replay may pass when
   * the failure depends on timing, and then this is all there is to go on.
   */
  seen: string[];
  steps: number;
  shrunkSteps: number | null;
  /** Devices of the shrunk scenario (of the generated one without shrinking). */
  shrunkDevices: number;
  shrinkAttempts: number;
  file: string | null;
  replay: string;
}

export interface FuzzSummary {
  seed: number;
  /** Runs done (fewer than asked when stopped early). */
  runs: number;
  firstRun: number;
  stopped: boolean;
  /** The defects injected into the engine (defect zoo); empty: the real engine. */
  injected: string[];
  passed: number;
  failures: FuzzFailure[];
  reports: ScenarioReport[];
  /** Late rejections of closed devices' Firestore clients (harmless), over all replays. */
  closedClientRejections: number;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const reports: ScenarioReport[] = [];
  const failures: FuzzFailure[] = [];
  const runOne =
    options.runOne ??
    ((input: ScenarioInput) =>
      runScenario({
        scenario: parseGenerated(input),
        file: null,
        projectId: options.projectId,
        firestore: options.firestore,
        storage: options.storage,
        dataDir: options.dataDir,
        defects: options.defects,
      }));
  const inject = options.defects && options.defects.size > 0 ? [...options.defects] : [];
  const injectFlag = inject.length > 0 ? ` --inject ${inject.join(',')}` : '';
  let closedClientRejections = 0;
  // Each replay is guarded as `scenario run` guards a file: a run that throws, or a rejection
  // nobody heard, fails that run, not the whole fuzz (a soak found it killing the process).
  const replay = async (input: ScenarioInput, _file: string | null) => {
    const guarded = await guardRun(
      { scenario: { name: input.name }, file: null, seed: input.seed ?? 1 },
      () => runOne(input),
    );
    closedClientRejections += guarded.closedClientRejections;
    return guarded.report;
  };
  const firstRun = options.firstRun ?? 0;
  let done = 0;
  let stopped = false;
  for (let run = firstRun; run < firstRun + options.runs; run += 1) {
    if (options.shouldStop?.()) {
      stopped = true;
      break;
    }
    const input = generateScenario(options.seed, run);
    const report = await replay(input, null);
    done += 1;
    if (options.keepReports !== false) reports.push(report);
    options.onRun?.(run, report);
    if (report.passed) {
      options.history?.append(historyEntry(options.seed, run, report, null, new Date()));
      continue;
    }
    const violated = report.invariants.filter((i) => !i.holds).map((i) => i.name);
    const seen = describeFailure(report);
    let shrunk = { scenario: input, attempts: 0 };
    if (options.shrink) {
      let attempt = 0;
      shrunk = await shrinkScenario(
        input,
        async (candidate) => {
          attempt += 1;
          const again = await replay(candidate, null);
          options.onShrink?.(run, attempt, candidate.steps?.length ?? 0);
          return again.invariants.some((i) => !i.holds && violated.includes(i.name));
        },
        options.shrinkBudget,
      );
    }
    fs.mkdirSync(options.outDir, { recursive: true });
    const file = path.join(options.outDir, `fuzz-${options.seed}-${run}.yaml`);
    const header = [
      `# Found by: personalai-sync scenario fuzz --seed ${options.seed} --from-run ${run} --runs 1${injectFlag} (run ${run})`,
      ...(inject.length > 0
        ? [`# Injected defects: ${inject.join(', ')} (replay with the same --inject)`]
        : []),
      `# Violated: ${violated.join(', ')}`,
      ...seen.map((line) => `#   ${line}`),
      `# Shrunk from ${input.steps?.length ?? 0} to ${shrunk.scenario.steps?.length ?? 0} steps in ${shrunk.attempts} replays.`,
      `# Replay: npx personalai-sync scenario run ${file}${injectFlag}`,
    ].join('\n');
    fs.writeFileSync(
      file,
      `${header}\n${stringify({ ...shrunk.scenario, name: `${input.name} (shrunk)` })}`,
    );
    options.history?.append(
      historyEntry(
        options.seed,
        run,
        report,
        { file, shrunkSteps: options.shrink ? (shrunk.scenario.steps?.length ?? 0) : null },
        new Date(),
      ),
    );
    failures.push({
      run,
      name: report.name,
      violated,
      seen,
      steps: input.steps?.length ?? 0,
      shrunkSteps: options.shrink ? (shrunk.scenario.steps?.length ?? 0) : null,
      shrunkDevices: shrunk.scenario.users.reduce((n, u) => n + u.devices.length, 0),
      shrinkAttempts: shrunk.attempts,
      file,
      replay: `npx personalai-sync scenario run ${file}${injectFlag}`,
    });
    if (options.stopAtFirstFailure) break;
  }
  return {
    seed: options.seed,
    runs: done,
    firstRun,
    stopped,
    injected: inject,
    passed: done - failures.length,
    failures,
    reports,
    closedClientRejections,
  };
}

/** The failing run's first violations and its totals, a line each (at most 10 violations). */
function describeFailure(report: ScenarioReport): string[] {
  const violations = report.invariants.flatMap((i) => i.violations);
  const lines = violations
    .slice(0, 10)
    .map(
      (v) =>
        `${v.invariant}: ${[v.device, v.record].filter(Boolean).join(' ')}${v.step ? ` (${v.step})` : ''}: ${v.detail}`,
    );
  if (violations.length > 10) lines.push(`… and ${violations.length - 10} more`);
  const t = report.totals;
  lines.push(
    `totals: ${t.passes} passes, ${t.syncErrors} sync errors, ${t.crashes} crashes, ${t.healRounds} heal rounds, drained ${t.drained}, ${report.wallMs} ms`,
  );
  return lines;
}
