import type { Bucket } from '@google-cloud/storage';
import type { Firestore } from 'firebase-admin/firestore';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { checkInvariants, type DeviceView } from '../simulate/invariants';
import type { ConflictStrategy, Decision } from '../sync/conflict-resolver';
import { describeValue } from '../sync/describe-value';
import type { ConflictReport } from '../sync/reconcile';
import { BOOKKEEPING, type Ledger, type LedgerWrite, SYNC_FILLED, same } from './ledger';
import type { ExpectationsSpec } from './schema';

/**
 * The scenario's verdict after the final heal-and-sync, from state read directly: the devices'
 * SQLite files, the Firestore emulator and the Storage emulator, compared with the ledger of
 * what the steps did. Nothing here calls the sync code. Every violation names the record, the
 * device and the step that last wrote the record.
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

export const INVARIANTS: Array<{ name: string; description: string }> = [
  { name: 'acknowledged-writes', description: 'no acknowledged write is lost' },
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

export interface JudgedConflict extends ConflictReport {
  device: string;
  /** The strategy the device was set to when it synced. */
  configured: ConflictStrategy;
  /** For ask-user: what the scenario answered for this record. */
  answered?: Decision;
}

export interface JudgeInput {
  users: Array<{
    name: string;
    realId: string;
    devices: Array<{ key: string; view: DeviceView }>;
  }>;
  firestore: Firestore;
  bucket: Bucket | null;
  ledger: Ledger;
  conflicts: JudgedConflict[];
  crashes: number;
  expect: ExpectationsSpec;
  /** Steps that could not run (and the scenario does not allow that). */
  skipped: Array<{ label: string; note: string }>;
  /** `write` steps whose commit failed (the writer's documents are not on the server). */
  failedWrites?: Array<{ label: string; note: string }>;
  stepLabel(step: number): string;
}

const ALLOWED: Record<Decision, string[]> = {
  local: ['kept-local', 'deleted', 'restored'],
  remote: ['took-remote', 'deleted'],
  merge: ['merged', 'deleted', 'restored'],
};

type ServerDocs = Map<DataTable, Map<string, Record<string, unknown>>>;

export async function judgeScenario(input: JudgeInput): Promise<InvariantResult[]> {
  const found = new Map<string, ScenarioViolation[]>(INVARIANTS.map((i) => [i.name, []]));
  const add = (v: ScenarioViolation) => found.get(v.invariant)!.push(v);
  const label = (table: DataTable, id: string) => {
    const last = input.ledger.lastWrite(table, id);
    return last ? input.stepLabel(last.step) : null;
  };

  const servers = new Map<string, ServerDocs>();
  for (const user of input.users) {
    const docs: ServerDocs = new Map();
    for (const table of DATA_TABLES) {
      const snapshot = await input.firestore
        .collection(table)
        .where('user_id', '==', user.realId)
        .get();
      docs.set(table, new Map(snapshot.docs.map((d) => [d.id, d.data()])));
    }
    servers.set(user.name, docs);
  }

  for (const user of input.users) {
    const docs = servers.get(user.name)!;
    const userWrites = input.ledger.writes.filter((w) => w.user === user.name);
    checkAcknowledged(userWrites, docs, input.stepLabel, add);
    checkProvenance(userWrites, docs, label, add);
    const unapplied = unappliedByDevices(userWrites);
    const devices = user.devices.map((d) => ({ key: d.key, view: lacking(d.view, unapplied) }));

    // Duplicates: anything on the server or a device that no step of this user created.
    for (const table of DATA_TABLES) {
      const known = input.ledger.idsOf(user.name, table);
      for (const id of docs.get(table)!.keys())
        if (!known.has(id))
          add({
            invariant: 'no-duplicates',
            record: `${table}/${id}`,
            device: null,
            step: null,
            detail: 'on the server, but no step of this user created it',
          });
      for (const device of user.devices)
        for (const row of await device.view.rows(table)) {
          const id = row.id as string;
          if (unapplied.get(`${table}/${id}`) === 'malformed')
            add({
              invariant: 'converged',
              record: `${table}/${id}`,
              device: device.key,
              step: label(table, id),
              detail:
                'a writer wrote this document malformed; the pull must quarantine it, yet it is on this device',
            });
          if (!known.has(id)) {
            const owner = input.users.find(
              (u) => u !== user && input.ledger.idsOf(u.name, table).has(id),
            );
            add({
              invariant: owner ? 'isolation' : 'no-duplicates',
              record: `${table}/${id}`,
              device: device.key,
              step: label(table, id),
              detail: owner
                ? `a record of ${owner.name} is on this device of ${user.name}`
                : 'on this device, but no step of this user created it',
            });
          }
        }
    }

    // The simulator's general checker, over views that read the SQLite files directly.
    const general = await checkInvariants({
      userId: user.realId,
      devices: devices.map((d) => d.view),
      firestore: input.firestore,
      bucket: input.bucket,
      limit: 1000,
    });
    for (const v of general.violations) {
      const device = devices.find((d) => d.view.deviceId === v.device);
      add({
        invariant: v.invariant,
        record: v.collection && v.id ? `${v.collection}/${v.id}` : null,
        device: device?.key ?? v.device,
        step: v.collection && v.id ? label(v.collection, v.id) : null,
        detail: v.detail,
      });
    }
  }

  for (const c of input.conflicts) {
    const where = {
      record: `${c.collection}/${c.id}`,
      device: c.device,
      step: label(c.collection, c.id),
    };
    if (c.strategy !== c.configured) {
      add({
        invariant: 'conflict-outcomes',
        ...where,
        detail: `resolved with ${c.strategy}, but the device was set to ${c.configured}`,
      });
      continue;
    }
    const decision: Decision =
      c.strategy === 'ask-user'
        ? (c.decision ?? 'local')
        : c.strategy === 'local-wins'
          ? 'local'
          : c.strategy === 'remote-wins'
            ? 'remote'
            : 'merge';
    if (c.strategy === 'ask-user' && c.decision !== c.answered)
      add({
        invariant: 'conflict-outcomes',
        ...where,
        detail: `the user answered ${c.answered ?? 'nothing'}, the sync applied ${c.decision ?? 'nothing'}`,
      });
    else if (!ALLOWED[decision].includes(c.outcome))
      add({
        invariant: 'conflict-outcomes',
        ...where,
        detail: `${c.strategy} (${decision}) cannot end as ${c.outcome}`,
      });
  }

  checkExpectations(input, servers, add);

  return INVARIANTS.map(({ name, description }) => {
    const violations = found.get(name)!;
    return {
      name,
      description,
      holds: violations.length === 0,
      count: violations.length,
      violations,
    };
  });
}

/**
 * Documents another writer put on the server in a form the pull does not apply: the app's
 * original format (no `_server_time`: never pulled) and malformed ones (quarantined, or never
 * pulled). A device may lack them; it may hold an original-format one only once it was adopted
 * into the wire format (then `converged` compares it as any other), and never a malformed one.
 */
function unappliedByDevices(writes: LedgerWrite[]): Map<string, 'original' | 'malformed'> {
  const last = new Map<string, LedgerWrite>();
  for (const w of writes) last.set(`${w.table}/${w.id}`, w);
  const unapplied = new Map<string, 'original' | 'malformed'>();
  for (const [key, w] of last)
    if (w.format === 'original' || w.format === 'malformed') unapplied.set(key, w.format);
  return unapplied;
}

function lacking(view: DeviceView, unapplied: Map<string, string>): DeviceView {
  return {
    deviceId: view.deviceId,
    rows: (table) => view.rows(table),
    queued: () => view.queued(),
    mayLack: (table, id, server) =>
      unapplied.has(`${table}/${id}`) || (view.mayLack?.(table, id, server) ?? false),
  };
}

/**
 * An acknowledged write must still be visible at the end, unless a write to the same record was
 * acknowledged at the same time or later (the strategy may let that one win). An acknowledged
 * delete must stay deleted under the same condition.
 */
function checkAcknowledged(
  writes: LedgerWrite[],
  docs: ServerDocs,
  stepLabel: (step: number) => string,
  add: (v: ScenarioViolation) => void,
) {
  const byRecord = new Map<string, LedgerWrite[]>();
  for (const w of writes) {
    if (w.ackedAt === null) continue;
    const key = `${w.table}/${w.id}`;
    byRecord.set(key, [...(byRecord.get(key) ?? []), w]);
  }
  for (const [record, acked] of byRecord) {
    for (const w of acked) {
      const later = acked.filter((o) => o !== w && o.ackedAt! >= w.ackedAt!);
      const doc = docs.get(w.table)!.get(w.id);
      const live = doc && doc._deleted !== true ? doc : null;
      const base = {
        invariant: 'acknowledged-writes',
        record,
        device: w.device,
        step: stepLabel(w.step),
      };
      if (w.kind === 'delete') {
        if (live && !later.some((o) => o.kind !== 'delete'))
          add({ ...base, detail: 'deleted and acknowledged, yet alive on the server' });
        continue;
      }
      if (later.length > 0) continue;
      if (!live) {
        add({ ...base, detail: `acknowledged ${w.kind}, yet the record is not on the server` });
        continue;
      }
      for (const [field, value] of Object.entries(w.fields)) {
        if (BOOKKEEPING.has(field) || SYNC_FILLED.has(field)) continue;
        if (!same(live[field], value))
          add({
            ...base,
            detail: `${field} is ${describeValue(live[field])} on the server; this step wrote ${describeValue(value)}, it was acknowledged, and nothing overrode it`,
          });
      }
    }
  }
}

/** Every user-visible value of every live server record was written by some step. */
function checkProvenance(
  writes: LedgerWrite[],
  docs: ServerDocs,
  label: (table: DataTable, id: string) => string | null,
  add: (v: ScenarioViolation) => void,
) {
  const written = new Map<string, Map<string, unknown[]>>();
  for (const w of writes) {
    const key = `${w.table}/${w.id}`;
    const fields = written.get(key) ?? new Map<string, unknown[]>();
    for (const [field, value] of Object.entries(w.fields))
      fields.set(field, [...(fields.get(field) ?? []), value]);
    written.set(key, fields);
  }
  for (const [table, byId] of docs) {
    for (const [id, doc] of byId) {
      if (doc._deleted === true) continue;
      const fields = written.get(`${table}/${id}`);
      if (!fields) continue; // reported as a duplicate
      for (const [field, value] of Object.entries(doc)) {
        if (BOOKKEEPING.has(field) || SYNC_FILLED.has(field)) continue;
        const candidates = fields.get(field) ?? [];
        if (!candidates.some((c) => same(c, value)))
          add({
            invariant: 'provenance',
            record: `${table}/${id}`,
            device: null,
            step: label(table, id),
            detail: `${field} is ${describeValue(value)} on the server, a value no step wrote`,
          });
      }
    }
  }
}

function checkExpectations(
  input: JudgeInput,
  servers: Map<string, ServerDocs>,
  add: (v: ScenarioViolation) => void,
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
  const within = (
    what: string,
    actual: number,
    wanted: number | { min?: number; max?: number },
  ) => {
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
