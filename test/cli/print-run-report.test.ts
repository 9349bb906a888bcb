import { describe, expect, it } from 'vitest';
import { printRunReport } from '../../src/cli/print-run-report';
import { DATA_TABLES } from '../../src/db/schema-current';
import type { RunReport } from '../../src/scenario/run-simulation';

const none = { count: 0, p50: null, p95: null };

function reportWith(violations: number): RunReport {
  const collection = {
    pushed: 0,
    pulled: 0,
    conflicts: 0,
    failed: 0,
    pending: 0,
    records: 0,
    durationMs: 0,
    ackLatencyMs: none,
  };
  return {
    seed: 1,
    user: 'u',
    devices: ['phone'],
    strategy: 'remote-wins',
    phases: { onlineForMs: 0, offlineForMs: 0, waitedForPassesMs: 0, drainMs: 0, totalMs: 0 },
    seeded: 0,
    recordedOffline: 0,
    editedOffline: 0,
    deletedOffline: 0,
    cycles: 1,
    interrupted: false,
    passes: 1,
    drained: true,
    pending: 0,
    errorsParked: 0,
    collections: Object.fromEntries(
      DATA_TABLES.map((t) => [t, collection]),
    ) as RunReport['collections'],
    conflicts: [],
    errors: [],
    network: { bytesUp: 0, bytesDown: 0, connections: 0, resets: 0 },
    faultsInjected: {},
    acksLost: 0,
    crashes: [],
    invariants: {
      holds: violations === 0,
      count: violations,
      violations: Array.from({ length: violations }, (_, i) => ({
        invariant: 'converged' as const,
        device: 'phone',
        collection: 'text_notes' as const,
        id: `n${i}`,
        detail: 'on this device, not on the server',
      })),
      checked: { records: violations, files: 0 },
    },
    ackLatencyMs: none,
  };
}

function printed(report: RunReport): string[] {
  const lines: string[] = [];
  printRunReport(report, { line: (text = '') => lines.push(text), info: () => {} });
  return lines;
}

/** Issue 18, finding 5: the violation list stopped at 20 without saying how many were left out. */
describe('the run report on a terminal', () => {
  it('lists 20 violations and says how many more there are', () => {
    const lines = printed(reportWith(25));
    expect(lines.filter((l) => l.startsWith('  converged:'))).toHaveLength(20);
    expect(lines).toContain('  … and 5 more (--json lists up to 100)');
  });

  it('says nothing more when all are listed', () => {
    expect(printed(reportWith(20)).some((l) => l.includes('more (--json'))).toBe(false);
  });

  it('says what its figures cover: the whole run, time summed over passes, ack latency of offline records, whose records', () => {
    const report = reportWith(0);
    report.devices = ['phone', 'tablet'];
    report.phases = {
      onlineForMs: 30_000,
      offlineForMs: 10_000,
      waitedForPassesMs: 0,
      drainMs: 1_620,
      totalMs: 61_000,
    };
    const lines = printed(report);
    expect(lines[1]).toBe(
      'online 30.0 s, offline 10.0 s, then drained in 1.62 s; 1 min 1 s in all, 1 sync passes; seeded 0, recorded offline 0',
    );
    expect(lines[3]).toMatch(/^collection\s+on phone\s+pushed/);
    expect(lines).toContain(
      'records: on phone, the first device; time: summed over every pass of every device; ack p50/p95: records recorded offline, from creation to the server’s acknowledgement'.replace(
        '’',
        "'",
      ),
    );
  });

  it('says how long the run waited for a pass stuck in a black hole, and only then', () => {
    const report = reportWith(0);
    report.phases = {
      onlineForMs: 0,
      offlineForMs: 6_000,
      waitedForPassesMs: 75_000,
      drainMs: 1_500,
      totalMs: 95_000,
    };
    expect(printed(report)[2]).toBe(
      'then waited 1 min 15 s for a sync pass still running (its calls waiting out their deadlines and retries) before the next step',
    );
    report.phases.waitedForPassesMs = 0;
    expect(printed(report).some((l) => l.includes('waited'))).toBe(false);
  });
});
