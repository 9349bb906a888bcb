import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
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
  onRun?: (run: number, report: ScenarioReport) => void;
  onShrink?: (run: number, attempt: number, steps: number) => void;
}

export interface FuzzFailure {
  run: number;
  name: string;
  violated: string[];
  steps: number;
  shrunkSteps: number | null;
  shrinkAttempts: number;
  file: string | null;
  replay: string;
}

export interface FuzzSummary {
  seed: number;
  runs: number;
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
    });
  for (let run = 0; run < options.runs; run += 1) {
    const input = generateScenario(options.seed, run);
    const report = await replay(input, null);
    reports.push(report);
    options.onRun?.(run, report);
    if (report.passed) continue;
    const violated = report.invariants.filter((i) => !i.holds).map((i) => i.name);
    let shrunk = { scenario: input, attempts: 0 };
    if (options.shrink) {
      let attempt = 0;
      shrunk = await shrinkScenario(input, async (candidate) => {
        attempt += 1;
        const again = await replay(candidate, null);
        options.onShrink?.(run, attempt, candidate.steps?.length ?? 0);
        return again.invariants.some((i) => !i.holds && violated.includes(i.name));
      });
    }
    fs.mkdirSync(options.outDir, { recursive: true });
    const file = path.join(options.outDir, `fuzz-${options.seed}-${run}.yaml`);
    const header = [
      `# Found by: personalai-sync scenario fuzz --runs ${options.runs} --seed ${options.seed} (run ${run})`,
      `# Violated: ${violated.join(', ')}`,
      `# Shrunk from ${input.steps?.length ?? 0} to ${shrunk.scenario.steps?.length ?? 0} steps in ${shrunk.attempts} replays.`,
      `# Replay: npx personalai-sync scenario run ${file}`,
    ].join('\n');
    fs.writeFileSync(
      file,
      `${header}\n${stringify({ ...shrunk.scenario, name: `${input.name} (shrunk)` })}`,
    );
    failures.push({
      run,
      name: report.name,
      violated,
      steps: input.steps?.length ?? 0,
      shrunkSteps: options.shrink ? (shrunk.scenario.steps?.length ?? 0) : null,
      shrinkAttempts: shrunk.attempts,
      file,
      replay: `npx personalai-sync scenario run ${file}`,
    });
  }
  return {
    seed: options.seed,
    runs: options.runs,
    passed: options.runs - failures.length,
    failures,
    reports,
  };
}
