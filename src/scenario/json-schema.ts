import { z } from 'zod';
import { ScenarioForDocs } from './format';

/** docs/scenario.schema.json, from the zod schema (what an editor validates files with). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ScenarioForDocs, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://personalai-sync.local/scenario.schema.json',
    title: 'personalai-sync scenario',
    description:
      'A scenario replayed by `personalai-sync scenario run`: users and devices, a timeline of steps on a virtual clock, and expectations. See docs/scenarios.md.',
  };
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
}
