import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load-scenario';
import { runScenario, type ScenarioReport } from '../../src/scenario/run-scenario';
import { scenarioEndpoints } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * CI replays every scenario in scenarios/ against the emulators (one test each). A failure
 * prints the violations and the command that replays it.
 */
const LIBRARY = path.resolve(__dirname, '..', '..', 'scenarios');
const files = fs
  .readdirSync(LIBRARY)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function explain(report: ScenarioReport): string {
  const lines = report.invariants
    .filter((i) => !i.holds)
    .flatMap((i) =>
      i.violations
        .slice(0, 5)
        .map((v) => `${i.name}: ${v.record ?? ''} ${v.device ?? ''} ${v.step ?? ''} ${v.detail}`),
    );
  return `${lines.join('\n')}\nreplay: npx personalai-sync scenario run scenarios/${path.basename(report.file ?? '')} --seed ${report.seed}`;
}

/**
 * Each file runs as written: the library's scenarios mix admin and client devices of one user
 * (`sdk: mixed`), and a scenario of one device runs it on the client SDK. Those single-device
 * scenarios run a second time on firebase-admin, so every scenario meets both SDKs.
 */
const runs = files.flatMap((file) => {
  const scenario = loadScenarioFile(path.join(LIBRARY, file));
  const deviceCount = scenario.users.reduce((n, u) => n + u.devices.length, 0);
  return deviceCount === 1
    ? [
        { file, sdk: undefined, name: file },
        { file, sdk: 'admin' as const, name: `${file} (--sdk admin)` },
      ]
    : [{ file, sdk: undefined, name: file }];
});

describe('scenario library', () => {
  const tempDir = useTempDir('scenario-library-');
  it('mixes both SDKs in every scenario, or runs it on each', () => {
    for (const file of files) {
      const scenario = loadScenarioFile(path.join(LIBRARY, file));
      const single = runs.filter((r) => r.file === file).length === 2;
      expect(scenario.sdk, file).toBe(single ? 'client' : 'mixed');
    }
  });
  for (const { file, sdk, name } of runs) {
    // flaky-network tears connections mid-request: the emulator then holds a torn commit for its
    // 60 s deadline and refuses streams meanwhile (seen in a gRPC trace: "Deadline exceeded after
    // 60.001s", hundreds of "Stream refused by server"); a run that meets it twice needs > 180 s.
    const timeout = file === 'flaky-network.yaml' ? 420_000 : 180_000;
    it(name, { timeout }, async () => {
      const scenario = loadScenarioFile(path.join(LIBRARY, file));
      const report = await runScenario({
        scenario,
        file: path.join(LIBRARY, file),
        sdk,
        ...scenarioEndpoints('library'),
        dataDir: tempDir(),
      });
      expect(report.passed, explain(report)).toBe(true);
      const used = new Set(Object.values(report.sdks));
      expect([...used].sort(), 'the SDKs the devices synced through').toEqual(
        sdk === 'admin' ? ['admin'] : scenario.sdk === 'client' ? ['client'] : ['admin', 'client'],
      );
      expect(report.totals.drained).toBe(true);
      expect(report.steps).toHaveLength(scenario.steps.length);
      // The run leaves nothing behind in its data folder.
      expect(fs.readdirSync(path.join(tempDir(), 'scenarios'))).toEqual([]);
    });
  }
});
