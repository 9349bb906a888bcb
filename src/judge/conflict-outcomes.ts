import type { DataTable } from '../db/schema-current';
import { BOOKKEEPING, SYNC_FILLED, same } from './columns';
import { type LedgerWrite, writersByRecord } from './ledger';
import {
  ALLOWED_OUTCOMES,
  DECISION_OF,
  type Decision,
  type Outcome,
  type Strategy,
} from './strategy-table';
import type { AddViolation } from './verdict';

/** A conflict a device reported, with what the scenario had set up for it. */
export interface JudgedConflict {
  collection: DataTable;
  id: string;
  strategy: Strategy;
  outcome: Outcome;
  /** For ask-user: what the sync applied. */
  decision?: Decision;
  device: string;
  /** The strategy the device was set to when it synced. */
  configured: Strategy;
  /** For ask-user: what the scenario answered for this record. */
  answered?: Decision;
}

/**
 * conflict-outcomes: every reported conflict had another writer (some other device, or another
 * writer's `write` step, wrote the record: a device's own write read back is an echo, never a
 * conflict), was resolved with the strategy its device was set to, an ask-user conflict applied
 * the user's answer, and the outcome is one the strategy table allows.
 */
export function checkConflictOutcomes(
  conflicts: JudgedConflict[],
  writes: Array<Pick<LedgerWrite, 'device' | 'table' | 'id'>>,
  label: (table: DataTable, id: string) => string | null,
  add: AddViolation,
) {
  const writers = writersByRecord(writes);
  for (const c of conflicts) {
    const where = {
      invariant: 'conflict-outcomes',
      record: `${c.collection}/${c.id}`,
      device: c.device,
      step: label(c.collection, c.id),
    };
    const others = [...(writers.get(where.record) ?? [])].filter((d) => d !== c.device);
    if (others.length === 0) {
      add({
        ...where,
        detail: `reported as a conflict, but nothing but ${c.device} ever wrote this record: the other side was its own write read back (an echo)`,
      });
      continue;
    }
    if (c.strategy !== c.configured) {
      add({
        ...where,
        detail: `resolved with ${c.strategy}, but the device was set to ${c.configured}`,
      });
      continue;
    }
    const decision: Decision =
      c.strategy === 'ask-user' ? (c.decision ?? 'local') : DECISION_OF[c.strategy];
    if (c.strategy === 'ask-user' && c.decision !== c.answered)
      add({
        ...where,
        detail: `the user answered ${c.answered ?? 'nothing'}, the sync applied ${c.decision ?? 'nothing'}`,
      });
    else if (!ALLOWED_OUTCOMES[decision].includes(c.outcome))
      add({ ...where, detail: `${c.strategy} (${decision}) cannot end as ${c.outcome}` });
  }
}

/**
 * conflict-outcomes, the conflicts nobody reported: two devices wrote different values to one
 * field of a record, each before the other's write was seen acknowledged, and both were then
 * acknowledged. Whichever pushed second met a version it was not based on, so a conflict must have
 * been reported on that record (by either device); a silent overwrite is caught here. Writes seen
 * acknowledged in the round the other was made are left alone (their order is not known), and so
 * are writes whose device died while they were open: a pass that resolved the conflict and then
 * died (after its remote write) took the report with it, which is not a defect.
 */
export function checkUnreportedConflicts(
  writes: LedgerWrite[],
  conflicted: Set<string>,
  /** A device that died while its write was open may have resolved the conflict and lost the report. */
  diedWhileOpen: (write: LedgerWrite) => boolean,
  stepLabel: (step: number) => string,
  add: AddViolation,
) {
  const acked = writes.filter(
    (w) => w.ackedAt !== null && !w.superseded && !w.format && w.kind !== 'delete',
  );
  const flagged = new Set<string>();
  for (const a of acked)
    for (const b of acked) {
      const record = `${a.table}/${a.id}`;
      if (b.seq <= a.seq || b.device === a.device || b.table !== a.table || b.id !== a.id) continue;
      if (conflicted.has(record) || flagged.has(record)) continue;
      if (!(b.madeAt < a.ackedAt! && a.madeAt < b.ackedAt!)) continue;
      if (diedWhileOpen(a) || diedWhileOpen(b)) continue;
      const field = Object.keys(a.fields).find(
        (f) =>
          !BOOKKEEPING.has(f) &&
          !SYNC_FILLED.has(f) &&
          f in b.fields &&
          !same(a.fields[f], b.fields[f]),
      );
      if (!field) continue;
      flagged.add(record);
      add({
        invariant: 'conflict-outcomes',
        record,
        device: b.device,
        step: stepLabel(b.step),
        detail: `${a.device} and ${b.device} both wrote ${field} (${stepLabel(a.step)} and this step), each before the other was acknowledged, and both were acknowledged, yet no conflict was reported on this record`,
      });
    }
}
