/**
 * The scenario judge's verdict: one result per invariant, in this order, each violation naming
 * the record, the device and the step that last wrote the record.
 */
export interface ScenarioViolation {
  invariant: string;
  record: string | null;
  device: string | null;
  step: string | null;
  detail: string;
}

export interface InvariantResult {
  name: string;
  description: string;
  holds: boolean;
  count: number;
  violations: ScenarioViolation[];
}

export type AddViolation = (violation: ScenarioViolation) => void;

export const INVARIANTS: Array<{ name: string; description: string }> = [
  {
    name: 'acknowledged-writes',
    description: 'no acknowledged write is lost, nor a write nothing else replaced',
  },
  { name: 'provenance', description: 'every value on the server was written by a step' },
  { name: 'no-duplicates', description: 'no record exists that no step created' },
  { name: 'converged', description: 'every device holds exactly the server’s records' },
  { name: 'drained', description: 'nothing left pending; every sync queue is empty' },
  { name: 'deletions', description: 'deletions reached every device' },
  { name: 'files', description: 'every file is in Storage with its checksum and thumbnail' },
  { name: 'conflict-outcomes', description: 'every conflict ended as its strategy defines' },
  { name: 'isolation', description: 'no record of one user is visible to another' },
  { name: 'expectations', description: 'the scenario’s own expectations hold' },
];
