import type { ScenarioReport } from '../../src/scenario/run-scenario';

/** A scenario report of one admin device that passed with nothing to say: stand-in runs' result. */
export function passingReport(identity: {
  name: string;
  file: string | null;
  seed: number;
}): ScenarioReport {
  return {
    ...identity,
    passed: true,
    devices: ['alice/phone'],
    sdks: { 'alice/phone': 'admin' },
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
