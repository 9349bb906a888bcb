import type { DataTable } from '../db/schema-current';
import { same } from './columns';
import type { JudgedConflict } from './conflict-outcomes';
import { describeValue, quoteScenarioValue } from './describe-value';
import type { ParkedRow } from './device-reader';
import type { ServerDocs } from './server-reader';
import type { Outcome } from './strategy-table';
import type { AddViolation } from './verdict';

/** A count a scenario expects: exactly this many, or within bounds. */
export type CountExpectation = number | { min?: number; max?: number };

/** A record expected parked in `error` on one device, with its error's code and message. */
export interface ParkedExpectation {
  device: string;
  collection: DataTable;
  id: string;
  code?: string;
  /** Text the message contains. */
  message?: string;
}

/**
 * What a scenario expects, after the final heal (its `expect` section) or at a point of the
 * timeline (an `expect` step). src/scenario/expectations-schema.ts's output must stay assignable
 * to this shape: the runner passes one as the other.
 */
export interface Expectations {
  records?: Partial<Record<DataTable, CountExpectation>>;
  userRecords?: Record<string, Partial<Record<DataTable, CountExpectation>>>;
  conflicts?: CountExpectation;
  outcomes?: Outcome[];
  crashes?: CountExpectation;
  values?: Array<{ collection: DataTable; id: string; fields: Record<string, unknown> }>;
  deleted?: Array<{ collection: DataTable; id: string }>;
  exists?: Array<{ collection: DataTable; id: string }>;
  parked?: ParkedExpectation[];
  quarantined?: CountExpectation;
  syncErrors?: { total?: CountExpectation; codes?: Record<string, CountExpectation> };
  writes?: {
    device: string | string[];
    commits?: CountExpectation;
    documents?: CountExpectation;
  };
  wallTime?: { max: number };
}

/**
 * The world as the expectations see it at one moment: the server read by the judge, each
 * device's parked rows read from its SQLite file, the commits counted where each device's remote
 * is wired; conflicts, crashes, quarantines and sync errors as the passes reported them (nothing
 * outside the engine sees those).
 */
export interface Observed {
  /** Each user's documents, by the scenario's user name. */
  servers: Map<string, ServerDocs>;
  conflicts: JudgedConflict[];
  crashes: number;
  /** Parked rows by device key (`alice/phone`). */
  parked: Map<string, ParkedRow[]>;
  quarantined: number;
  syncErrors: { total: number; codes: Record<string, number> };
  /** Commits and the documents they wrote, by device key. */
  writes: Map<string, { commits: number; documents: number }>;
  /** Real time since the run started. */
  wallMs: number;
  /** A device reference of the scenario (`phone`, `alice/phone`, `all`, a list) as device keys. */
  devices(ref: string | string[]): string[];
}

type Fail = (detail: string, record?: string | null) => void;

/**
 * expectations: the scenario's own expectations hold over the server after the heal, every step
 * could run (unless the scenario allows skipping), and every other writer's commit went through.
 * Expectations that failed at `expect` steps along the timeline are reported here too.
 */
export function checkExpectations(
  input: {
    expect: Expectations;
    skipped: Array<{ label: string; note: string }>;
    failedWrites?: Array<{ label: string; note: string }>;
    midTimeline?: Array<{ label: string; detail: string; record: string | null }>;
  },
  observed: Observed,
  add: AddViolation,
) {
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
  for (const failed of input.midTimeline ?? [])
    add({
      invariant: 'expectations',
      record: failed.record,
      device: null,
      step: failed.label,
      detail: failed.detail,
    });
  checkExpected(input.expect, observed, (detail, record = null) =>
    add({ invariant: 'expectations', record, device: null, step: null, detail }),
  );
}

/** Each expectation against what was observed; `fail` hears what differed. Pure. */
export function checkExpected(expect: Expectations, observed: Observed, fail: Fail): void {
  const within = (what: string, actual: number, wanted: CountExpectation) => {
    const problem = countProblem(actual, wanted);
    if (problem) fail(`${what}: ${problem}`);
  };
  checkServer(expect, observed.servers, within, fail);
  if (expect.conflicts !== undefined)
    within('conflicts', observed.conflicts.length, expect.conflicts);
  if (expect.crashes !== undefined) within('crashes', observed.crashes, expect.crashes);
  if (expect.outcomes)
    for (const c of observed.conflicts)
      if (!expect.outcomes.includes(c.outcome))
        fail(
          `conflict on ${c.device} ended as ${c.outcome}; expected one of ${expect.outcomes.join(', ')}`,
          `${c.collection}/${c.id}`,
        );
  for (const wanted of expect.parked ?? []) checkParked(wanted, observed, fail);
  if (expect.quarantined !== undefined)
    within('quarantined documents', observed.quarantined, expect.quarantined);
  if (expect.syncErrors?.total !== undefined)
    within('sync errors', observed.syncErrors.total, expect.syncErrors.total);
  for (const [code, wanted] of Object.entries(expect.syncErrors?.codes ?? {}))
    within(`sync errors with code ${code}`, observed.syncErrors.codes[code] ?? 0, wanted);
  if (expect.writes) {
    const keys = observed.devices(expect.writes.device);
    let commits = 0;
    let documents = 0;
    for (const key of keys) {
      commits += observed.writes.get(key)?.commits ?? 0;
      documents += observed.writes.get(key)?.documents ?? 0;
    }
    const of = keys.length === observed.writes.size ? 'all devices' : keys.join(', ');
    if (expect.writes.commits !== undefined)
      within(`commits of ${of}`, commits, expect.writes.commits);
    if (expect.writes.documents !== undefined)
      within(`documents written by ${of}`, documents, expect.writes.documents);
  }
  if (expect.wallTime && observed.wallMs > expect.wallTime.max)
    fail(`wall time: expected at most ${expect.wallTime.max} ms, took ${observed.wallMs} ms`);
}

/** "expected 3, found 4", or null when the count is as wanted. */
export function countProblem(actual: number, wanted: CountExpectation): string | null {
  if (typeof wanted === 'number')
    return actual === wanted ? null : `expected ${wanted}, found ${actual}`;
  if (wanted.min !== undefined && actual < wanted.min)
    return `expected at least ${wanted.min}, found ${actual}`;
  if (wanted.max !== undefined && actual > wanted.max)
    return `expected at most ${wanted.max}, found ${actual}`;
  return null;
}

function checkServer(
  expect: Expectations,
  servers: Map<string, ServerDocs>,
  within: (what: string, actual: number, wanted: CountExpectation) => void,
  fail: Fail,
) {
  const liveDoc = (table: DataTable, id: string) => {
    for (const docs of servers.values()) {
      const doc = docs.get(table)!.get(id);
      if (doc && doc._deleted !== true) return doc;
    }
    return null;
  };
  const liveCount = (docs: ServerDocs, table: DataTable) => {
    let live = 0;
    for (const doc of docs.get(table)!.values()) if (doc._deleted !== true) live += 1;
    return live;
  };
  for (const [table, wanted] of Object.entries(expect.records ?? {})) {
    let live = 0;
    for (const docs of servers.values()) live += liveCount(docs, table as DataTable);
    within(`live ${table} records on the server`, live, wanted!);
  }
  for (const [user, tables] of Object.entries(expect.userRecords ?? {})) {
    const docs = servers.get(user);
    if (!docs) {
      fail(`records of user ${user}: the scenario has no such user`);
      continue;
    }
    for (const [table, wanted] of Object.entries(tables))
      within(
        `live ${table} records of ${user} on the server`,
        liveCount(docs, table as DataTable),
        wanted!,
      );
  }
  for (const { collection, id, fields } of expect.values ?? []) {
    const doc = liveDoc(collection, id);
    if (!doc) {
      fail('expected values, but the record is not on the server', `${collection}/${id}`);
      continue;
    }
    for (const [field, value] of Object.entries(fields))
      if (!same(doc[field], value))
        fail(
          `${field} is ${describeValue(doc[field])}; the scenario expected ${quoteScenarioValue(value)}`,
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

function checkParked(wanted: ParkedExpectation, observed: Observed, fail: Fail) {
  const record = `${wanted.collection}/${wanted.id}`;
  const [device] = observed.devices(wanted.device);
  const row = (observed.parked.get(device) ?? []).find(
    (r) => r.table === wanted.collection && r.id === wanted.id,
  );
  if (!row) {
    fail(`expected parked in error on ${device}, but it is not parked there`, record);
    return;
  }
  if (wanted.code !== undefined && row.code !== wanted.code)
    fail(
      `parked on ${device} with code ${row.code || '(none)'}; expected ${wanted.code} (${row.message})`,
      record,
    );
  if (wanted.message !== undefined && !row.message.includes(wanted.message))
    fail(
      `parked on ${device} with the message "${row.message}"; expected it to contain "${wanted.message}"`,
      record,
    );
}

/** Is this parked row one the expectations name (the same device, collection and id)? */
export function isExpectedParked(
  expect: Expectations,
  devices: Observed['devices'],
  device: string,
  row: Pick<ParkedRow, 'table' | 'id'>,
): boolean {
  return (expect.parked ?? []).some(
    (p) => p.collection === row.table && p.id === row.id && devices(p.device)[0] === device,
  );
}
