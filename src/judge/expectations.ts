import type { DataTable } from '../db/schema-current';
import { same } from './columns';
import type { JudgedConflict } from './conflict-outcomes';
import { describeValue } from './describe-value';
import type { ServerDocs } from './server-reader';
import type { Outcome } from './strategy-table';
import type { AddViolation } from './verdict';

/** A count a scenario expects: exactly this many, or within bounds. */
export type CountExpectation = number | { min?: number; max?: number };

/**
 * What a scenario expects of the end state (the `expect` section of src/scenario/format.ts,
 * which must stay assignable to this shape: the runner passes one as the other).
 */
export interface Expectations {
  records?: Partial<Record<DataTable, CountExpectation>>;
  conflicts?: CountExpectation;
  outcomes?: Outcome[];
  crashes?: CountExpectation;
  values?: Array<{ collection: DataTable; id: string; fields: Record<string, unknown> }>;
  deleted?: Array<{ collection: DataTable; id: string }>;
  exists?: Array<{ collection: DataTable; id: string }>;
}

/**
 * expectations: the scenario's own expectations hold over the server after the heal, every step
 * could run (unless the scenario allows skipping), and every other writer's commit went through.
 */
export function checkExpectations(
  input: {
    expect: Expectations;
    conflicts: JudgedConflict[];
    crashes: number;
    skipped: Array<{ label: string; note: string }>;
    failedWrites?: Array<{ label: string; note: string }>;
  },
  servers: Map<string, ServerDocs>,
  add: AddViolation,
) {
  const expect = input.expect;
  for (const step of input.skipped)
    add({
      invariant: 'expectations',
      record: null,
      device: null,
      step: step.label,
      detail: `the step could not run (${step.note}); fix the scenario or set skipInapplicableSteps`,
    });
  for (const write of input.failedWrites ?? [])
    add({
      invariant: 'expectations',
      record: null,
      device: null,
      step: write.label,
      detail: `the writer's commit failed (${write.note}); its documents are not on the server`,
    });
  const fail = (detail: string, record: string | null = null) =>
    add({ invariant: 'expectations', record, device: null, step: null, detail });
  const liveDoc = (table: DataTable, id: string) => {
    for (const docs of servers.values()) {
      const doc = docs.get(table)!.get(id);
      if (doc && doc._deleted !== true) return doc;
    }
    return null;
  };
  const within = (what: string, actual: number, wanted: CountExpectation) => {
    if (typeof wanted === 'number') {
      if (actual !== wanted) fail(`${what}: expected ${wanted}, found ${actual}`);
    } else {
      if (wanted.min !== undefined && actual < wanted.min)
        fail(`${what}: expected at least ${wanted.min}, found ${actual}`);
      if (wanted.max !== undefined && actual > wanted.max)
        fail(`${what}: expected at most ${wanted.max}, found ${actual}`);
    }
  };
  for (const [table, wanted] of Object.entries(expect.records ?? {})) {
    let live = 0;
    for (const docs of servers.values())
      for (const doc of docs.get(table as DataTable)!.values())
        if (doc._deleted !== true) live += 1;
    within(`live ${table} records on the server`, live, wanted!);
  }
  if (expect.conflicts !== undefined) within('conflicts', input.conflicts.length, expect.conflicts);
  if (expect.crashes !== undefined) within('crashes', input.crashes, expect.crashes);
  if (expect.outcomes)
    for (const c of input.conflicts)
      if (!expect.outcomes.includes(c.outcome))
        fail(
          `conflict on ${c.device} ended as ${c.outcome}; expected one of ${expect.outcomes.join(', ')}`,
          `${c.collection}/${c.id}`,
        );
  for (const { collection, id, fields } of expect.values ?? []) {
    const doc = liveDoc(collection, id);
    if (!doc) {
      fail('expected values, but the record is not on the server', `${collection}/${id}`);
      continue;
    }
    for (const [field, value] of Object.entries(fields))
      if (!same(doc[field], value))
        fail(
          `${field} is ${describeValue(doc[field])}; expected ${describeValue(value)}`,
          `${collection}/${id}`,
        );
  }
  for (const { collection, id } of expect.deleted ?? [])
    if (liveDoc(collection, id))
      fail('expected deleted, but it is alive on the server', `${collection}/${id}`);
  for (const { collection, id } of expect.exists ?? [])
    if (!liveDoc(collection, id))
      fail('expected to exist, but it is not on the server', `${collection}/${id}`);
}
