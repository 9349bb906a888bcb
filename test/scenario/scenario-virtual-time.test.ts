import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendArgs } from '../helpers/backend';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Virtual time to the wire (issue 17): deadlines, black holes, latency, bandwidth and drops act
 * on the scenario's clock, so one file and seed give one report however loaded the machine is,
 * and a long deadline in a black hole costs no wall time. Through the real CLI, with `--json`.
 */
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'scenarios');

interface Report {
  passed: boolean;
  virtualMs: number;
  deviceClocksMs: Record<string, number>;
  wallMs: number;
  timeline: { events: Array<{ device: string; kind: string; detail: string; atMs: number }> };
  totals: {
    syncErrors: number;
    acksLost: number;
    crashes: number;
    link: { blackHoleDeadlines: number; drops: number; emulatorStalls: number };
  };
  invariants: Array<{ name: string; holds: boolean }>;
}

/** Wall-time fields, the only ones allowed to differ between replays of one seed. */
function withoutWallTime(stdout: string): unknown {
  const doc = JSON.parse(stdout);
  for (const r of doc.result.scenarios) delete r.wallMs;
  return doc;
}

/** Two processes that spin for as long as they live: the machine is loaded meanwhile. */
function burnCpu(count: number): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }),
  );
}

describe('scenario virtual time', () => {
  const tempDir = useTempDir('virtual-time-');
  // A project per run: a file's record ids are document ids (docs/scenarios.md, "Reproducibility").
  const backend = (run: string) => [...backendArgs(`vtime-${run}`), '--data-dir', tempDir()];

  it('a two-minute deadline in a black hole moves the phone’s clock, fails by its deadline, and costs no wall time', {
    timeout: 300_000,
  }, async () => {
    const file = path.join(FIXTURES, 'two-minute-black-hole.yaml');
    const started = Date.now();
    const result = await runCli(
      [...backend('hole'), '--json', 'scenario', 'run', file],
      {},
      280_000,
    );
    const wallMs = Date.now() - started;
    expect(result.code, result.stderr).toBe(0);
    const report: Report = JSON.parse(result.stdout).result.scenarios[0];
    expect(report.invariants.filter((i) => !i.holds)).toEqual([]);
    const errors = report.timeline.events.filter((e) => e.kind === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.detail).toMatch(/DEADLINE_EXCEEDED|network down/);
    expect(errors.some((e) => /got no answer within 120000 ms/.test(e.detail))).toBe(true);
    // Every attempt of the pass in the hole waited its two minutes on the phone's clock...
    expect(report.totals.link.blackHoleDeadlines).toBeGreaterThanOrEqual(1);
    expect(report.deviceClocksMs['alice/phone']).toBeGreaterThanOrEqual(
      report.totals.link.blackHoleDeadlines * 120_000,
    );
    expect(report.totals.link.emulatorStalls).toBe(0);
    // ...and none on the wall (a generous sanity bound for a loaded machine: with real
    // deadlines, the pass in the hole alone took at least 5 × 120 s).
    expect(wallMs).toBeLessThan(180_000);
  });

  it('one seed replayed three times on a loaded machine gives one report (wall time aside)', {
    timeout: 600_000,
  }, async () => {
    const file = path.join(FIXTURES, 'determinism-under-load.yaml');
    const busy = burnCpu(2);
    try {
      const outputs: string[] = [];
      for (const run of ['a', 'b', 'c']) {
        const result = await runCli(
          [...backend(run), '--json', 'scenario', 'run', file],
          {},
          190_000,
        );
        expect(result.code, result.stderr || result.stdout).toBe(0);
        outputs.push(result.stdout);
      }
      const [first, ...others] = outputs.map(withoutWallTime);
      const report = (first as { result: { scenarios: Report[] } }).result.scenarios[0];
      // The scenario is demanding: the hole held commits, the link dropped calls, a device died.
      expect(report.passed).toBe(true);
      expect(report.totals.link.blackHoleDeadlines).toBeGreaterThan(0);
      expect(report.totals.link.drops).toBeGreaterThan(0);
      expect(report.totals.link.emulatorStalls).toBe(0);
      expect(report.totals.crashes).toBe(1);
      for (const other of others) expect(other).toEqual(first);
    } finally {
      for (const child of busy) child.kill('SIGKILL');
    }
  });
});
