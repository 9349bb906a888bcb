import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../src/scenario/format';
import { runFuzz } from '../../src/scenario/run-fuzz';
import type { ScenarioReport } from '../../src/scenario/run-scenario';
import { useTempDir } from '../helpers/temp-dir';

/**
 * A fuzz (and a soak, which is a long fuzz) survives what a replay leaves behind: a run that
 * throws, or a rejection nobody handled. A soak of seed 20261130 died at run 750 of an
 * unhandled "The client has already been terminated" (a crashed device's abandoned count()),
 * losing its summary, because fuzz replays were not guarded the way `scenario run` guards files.
 * The runs here are stand-ins (runOne), so the guard is tested without racing a real device.
 */
function report(input: ScenarioInput): ScenarioReport {
  return {
    name: input.name,
    file: null,
    seed: input.seed ?? 1,
    passed: true,
    devices: ['fuzz/phone'],
    sdks: { 'fuzz/phone': 'admin' },
    otherWrites: [],
    virtualMs: 0,
    wallMs: 1,
    steps: [],
    timeline: { samples: [], offline: [], events: [] },
    totals: {
      writes: 0,
      acknowledged: 0,
      passes: 1,
      conflicts: 0,
      syncErrors: 0,
      crashes: 0,
      acksLost: 0,
      faultsInjected: {},
      healRounds: 1,
      drained: true,
    },
    invariants: [],
  };
}

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
