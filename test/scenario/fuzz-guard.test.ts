import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../src/scenario/format';
import { runFuzz } from '../../src/scenario/run-fuzz';
import { passingReport } from '../helpers/passing-report';
import { useTempDir } from '../helpers/temp-dir';

/**
 * A fuzz (and a soak, which is a long fuzz) survives what a replay leaves behind: a run that
 * throws, or a rejection nobody handled. A soak of seed 20261130 died at run 750 of an
 * unhandled "The client has already been terminated" (a crashed device's abandoned count()),
 * losing its summary, because fuzz replays were not guarded the way `scenario run` guards files.
 * The runs here are stand-ins (runOne), so the guard is tested without racing a real device.
 */
const report = (input: ScenarioInput) =>
  passingReport({ name: input.name, file: null, seed: input.seed ?? 1 });

describe('fuzz replays are guarded', () => {
  const tempDir = useTempDir('fuzz-guard-');

  it('a closed client rejecting late is counted, another unheard rejection fails its run, a throw fails its run, and the fuzz goes on', async () => {
    let call = 0;
    const summary = await runFuzz({
      runs: 4,
      seed: 5,
      outDir: `${tempDir()}/out`,
      shrink: false,
      projectId: 'demo-unused',
      firestore: '127.0.0.1:1',
      storage: null,
      dataDir: tempDir(),
      runOne: async (input) => {
        call += 1;
        if (call === 1) void Promise.reject(new Error('The client has already been terminated'));
        if (call === 2) void Promise.reject(new Error('something else broke'));
        if (call === 3) throw new Error('the emulator went away');
        // Let the rejections above surface while the run is still going.
        await new Promise((resolve) => setImmediate(resolve));
        return report(input);
      },
    });
    expect(summary.runs).toBe(4);
    expect(summary.closedClientRejections).toBe(1);
    expect(summary.failures.map((f) => [f.run, f.violated])).toEqual([
      [1, ['no-unheard-errors']],
      [2, ['run-completed']],
    ]);
    expect(summary.passed).toBe(2);
  });
});
