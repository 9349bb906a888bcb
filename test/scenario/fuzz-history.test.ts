import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FuzzHistory, type FuzzHistoryEntry, summarizeSoak } from '../../src/scenario/fuzz-history';
import { useTempDir } from '../helpers/temp-dir';

/** The soak's history file and its summary (pure parts; the CLI test runs a real soak). */
function entry(run: number, over: Partial<FuzzHistoryEntry> = {}): FuzzHistoryEntry {
  return {
    seed: 9,
    run,
    scenarioSeed: 100 + run,
    passed: true,
    violated: [],
    steps: 10,
    devices: 2,
    sdks: { 'fuzz/phone': 'admin', 'fuzz/tablet': 'client' },
    at: '2026-11-30T15:00:00.000Z',
    wallMs: 1000 * (run + 1),
    virtualMs: 60_000,
    totals: {
      writes: 5,
      acknowledged: 5,
      passes: 4,
      conflicts: 1,
      syncErrors: 0,
      crashes: 0,
      acksLost: 0,
      faultsInjected: {},
      healRounds: 2,
      drained: true,
    },
    file: null,
    shrunkSteps: null,
    ...over,
  };
}

describe('fuzz history', () => {
  const tempDir = useTempDir('fuzz-history-');

  it('appends one line per run and goes on from the first run of a seed it has not done', () => {
    const dir = path.join(tempDir(), 'soak');
    const first = FuzzHistory.open(dir);
    expect(first.nextRun(9)).toBe(0);
    first.append(entry(0));
    first.append(entry(1));
    first.append(entry(0, { seed: 4 }));
    const again = FuzzHistory.open(dir);
    expect(again.previous).toHaveLength(3);
    expect(again.nextRun(9)).toBe(2);
    expect(again.nextRun(4)).toBe(1);
    expect(again.nextRun(5)).toBe(0);
    expect(again.appended).toEqual([]);
  });

  it('counts a line cut short by a kill as unreadable and does that run again', () => {
    const dir = path.join(tempDir(), 'cut');
    FuzzHistory.open(dir).append(entry(0));
    fs.appendFileSync(path.join(dir, 'history.jsonl'), '{"seed":9,"run":1,"passed":tr');
    const reopened = FuzzHistory.open(dir);
    expect(reopened.unreadable).toBe(1);
    expect(reopened.nextRun(9)).toBe(1);
  });

  it('summarises runs: rate, wall quantiles, violations, totals and failures', () => {
    const entries = [
      entry(3),
      entry(4, { passed: false, violated: ['converged', 'drained'], file: 'f/fuzz-9-4.yaml' }),
      entry(5, { passed: false, violated: ['converged'] }),
      entry(6),
    ];
    const s = summarizeSoak(9, entries, 120_000, 'duration');
    expect(s).toMatchObject({
      runs: 4,
      passed: 2,
      failed: 2,
      firstRun: 3,
      lastRun: 6,
      runsPerMinute: 2,
      runWallMs: { p50: 5000, p95: 7000, max: 7000 },
      violations: { converged: 2, drained: 1 },
      sdks: { admin: 4, client: 4 },
      stoppedBy: 'duration',
    });
    expect(s.totals).toMatchObject({ steps: 40, passes: 16, conflicts: 4, healRounds: 8 });
    expect(s.failures).toEqual([
      { run: 4, violated: ['converged', 'drained'], file: 'f/fuzz-9-4.yaml' },
      { run: 5, violated: ['converged'], file: null },
    ]);
    expect(summarizeSoak(9, [], 0, 'signal')).toMatchObject({ runs: 0, firstRun: null });
  });
});
