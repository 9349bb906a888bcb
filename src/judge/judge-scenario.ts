import type { Bucket } from '@google-cloud/storage';
import type { Firestore } from 'firebase-admin/firestore';
import type { DataTable } from '../db/schema-current';
import { checkAcknowledged, checkUnacknowledged } from './acknowledged-writes';
import { checkInvariants } from './check-invariants';
import {
  checkConflictOutcomes,
  checkUnreportedConflicts,
  type JudgedConflict,
} from './conflict-outcomes';
import type { DeviceView } from './device-reader';
import {
  checkExpectations,
  type Expectations,
  isExpectedParked,
  type Observed,
} from './expectations';
import type { Ledger } from './ledger';
import { checkDuplicates } from './no-duplicates';
import { checkParked, withoutParked } from './parked-records';
import { checkProvenance } from './provenance';
import { readUserDocuments, type ServerDocs } from './server-reader';
import { lacking, unappliedByDevices } from './unapplied';
import { INVARIANTS, type InvariantResult, type ScenarioViolation } from './verdict';

/**
 * The scenario's verdict after the final heal-and-sync, from state read directly: the devices'
 * SQLite files, the Firestore emulator and the Storage emulator, compared with the ledger of
 * what the steps did. Nothing here calls the sync code. Every violation names the record, the
 * device and the step that last wrote the record.
 */
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
  expect: Expectations;
  /** Steps that could not run (and the scenario does not allow that). */
  skipped: Array<{ label: string; note: string }>;
  /** `write` steps whose commit failed (the writer's documents are not on the server). */
  failedWrites?: Array<{ label: string; note: string }>;
  stepLabel(step: number): string;
  /** Counts from outside the devices' files (the runner's); none given: zero. */
  counts?: Pick<Observed, 'quarantined' | 'syncErrors' | 'writes' | 'wallMs'>;
  /** The scenario's device references as device keys; none given: by key or device name. */
  devicesOf?: Observed['devices'];
  /** Expectations that failed at `expect` steps of the timeline. */
  midTimeline?: Array<{ label: string; detail: string; record: string | null }>;
}

export async function judgeScenario(input: JudgeInput): Promise<InvariantResult[]> {
  const found = new Map<string, ScenarioViolation[]>(INVARIANTS.map((i) => [i.name, []]));
  const add = (v: ScenarioViolation) => found.get(v.invariant)!.push(v);
  const label = (table: DataTable, id: string) => {
    const last = input.ledger.lastWrite(table, id);
    return last ? input.stepLabel(last.step) : null;
  };

  const devicesOf = input.devicesOf ?? devicesByKey(input.users.flatMap((u) => u.devices));
  const parked = new Map<string, import('./device-reader').ParkedRow[]>();
  for (const user of input.users)
    for (const d of user.devices) parked.set(d.key, (await d.view.parked?.()) ?? []);

  const excused = {
    conflicted: new Set(input.conflicts.map((c) => `${c.collection}/${c.id}`)),
    parked: new Set(
      [...parked].flatMap(([device, rows]) => rows.map((r) => `${device} ${r.table}/${r.id}`)),
    ),
  };
  const servers = new Map<string, ServerDocs>();
  for (const user of input.users)
    servers.set(user.name, await readUserDocuments(input.firestore, user.realId));

  for (const user of input.users) {
    const docs = servers.get(user.name)!;
    const userWrites = input.ledger.writes.filter((w) => w.user === user.name);
    checkAcknowledged(userWrites, docs, input.stepLabel, add);
    checkUnacknowledged(userWrites, docs, excused, input.stepLabel, add);
    checkUnreportedConflicts(
      userWrites,
      excused.conflicted,
      (w) => input.ledger.diedWhileOpen(w),
      input.stepLabel,
      add,
    );
    checkProvenance(userWrites, docs, label, add);
    const unapplied = unappliedByDevices(userWrites);
    await checkDuplicates({
      user,
      users: input.users,
      ledger: input.ledger,
      docs,
      unapplied,
      label,
      add,
    });

    // Parked records: rightly (expected) or not; then the general invariants (the same `run` is
    // judged by), over this user's devices, without the rows the parked ones excuse.
    const devices = user.devices.map((d) => {
      const rows = parked.get(d.key)!;
      const expected = (row: { table: DataTable; id: string }) =>
        isExpectedParked(input.expect, devicesOf, d.key, row);
      checkParked({ key: d.key, parked: rows }, expected, label, add);
      return { key: d.key, view: withoutParked(lacking(d.view, unapplied), rows) };
    });
    const general = await checkInvariants({
      userId: user.realId,
      devices: devices.map((d) => d.view),
      docs,
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

  checkConflictOutcomes(input.conflicts, input.ledger.writes, label, add);
  // An expectation about a record is named like every other violation: by the device and the
  // step that last wrote the record (a mid-timeline one keeps its `expect` step).
  const addExpectation = (v: ScenarioViolation) => {
    const [table, id] = v.record?.split('/') ?? [];
    const last = table && id ? input.ledger.lastWrite(table as DataTable, id) : null;
    add({
      ...v,
      device: v.device ?? last?.device ?? null,
      step: v.step ?? (last ? input.stepLabel(last.step) : null),
    });
  };
  checkExpectations(
    input,
    {
      servers,
      conflicts: input.conflicts,
      crashes: input.crashes,
      parked,
      quarantined: input.counts?.quarantined ?? 0,
      syncErrors: input.counts?.syncErrors ?? { total: 0, codes: {} },
      writes: input.counts?.writes ?? new Map(),
      wallMs: input.counts?.wallMs ?? 0,
      devices: devicesOf,
    },
    addExpectation,
  );

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

/** Device references by key (`alice/phone`), by name when only one device has it, or `all`. */
function devicesByKey(devices: Array<{ key: string }>): Observed['devices'] {
  return (ref) =>
    (Array.isArray(ref) ? ref : [ref]).flatMap((r) =>
      r === 'all'
        ? devices.map((d) => d.key)
        : devices.filter((d) => d.key === r || d.key.endsWith(`/${r}`)).map((d) => d.key),
    );
}
