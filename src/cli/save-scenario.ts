import fs from 'node:fs';
import { stringify } from 'yaml';
import type { ScenarioInput } from '../scenario/format';
import { UsageError } from './errors';

/**
 * `run --save-scenario FILE`: the run's timeline as a scenario file. Written before the run
 * starts, so a run that fails or is stopped still leaves the file that replays it.
 */
export function saveScenario(file: string, scenario: ScenarioInput): void {
  const header = [
    `# Saved by: personalai-sync run (seed ${scenario.seed})`,
    '# The replay runs on virtual time, with a user and devices of its own, and heals as every',
    "# scenario does (faults lifted, parked errors retried); `run`'s drain keeps its faults.",
    `# Replay: npx personalai-sync scenario run ${file}`,
  ].join('\n');
  try {
    fs.writeFileSync(file, `${header}\n${stringify(scenario)}`);
  } catch (error) {
    throw new UsageError(`--save-scenario ${file}: ${(error as Error).message}`);
  }
}
