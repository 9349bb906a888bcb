import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { DefectName } from '../sync/defects';
import type { ScenarioInput } from './format';
import { generateScenario, parseGenerated, shrinkScenario } from './fuzz';
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
  /** Test-only engine defects every device runs with (`--inject`, src/sync/defects.ts). */
  defects?: ReadonlySet<DefectName>;
  /** Stop at the first failure (after shrinking it): `scenario detect` wants runs to detection. */
  stopAtFirstFailure?: boolean;
  /** Most replays one shrink may make (default: shrinkScenario's). */
  shrinkBudget?: number;
  onRun?: (run: number, report: ScenarioReport) => void;
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
  runs: number;
  /** Scenarios actually run (fewer than `runs` when stopped at the first failure). */
  ran: number;
  /** The defects injected into the engine (defect zoo); empty: the real engine. */
  injected: string[];
  passed: number;
  failures: FuzzFailure[];
  reports: ScenarioReport[];
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const reports: ScenarioReport[] = [];
  const failures: FuzzFailure[] = [];
  const replay = async (input: ScenarioInput, file: string | null) =>
    runScenario({
      scenario: parseGenerated(input),
      file,
      projectId: options.projectId,
      firestore: options.firestore,
      storage: options.storage,
      dataDir: options.dataDir,
      defects: options.defects,
    });
  const inject = options.defects && options.defects.size > 0 ? [...options.defects] : [];
  let ran = 0;
  for (let run = 0; run < options.runs; run += 1) {
    const input = generateScenario(options.seed, run);
    const report = await replay(input, null);
    reports.push(report);
    ran += 1;
    options.onRun?.(run, report);
    if (report.passed) continue;
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
    const injectFlag = inject.length > 0 ? ` --inject ${inject.join(',')}` : '';
    const header = [
      `# Found by: personalai-sync scenario fuzz --runs ${options.runs} --seed ${options.seed}${injectFlag} (run ${run})`,
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
    runs: options.runs,
    ran,
    injected: inject,
    passed: ran - failures.length,
    failures,
    reports,
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
