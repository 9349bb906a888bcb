import type { DataTable } from '../db/schema-current';
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
 * conflict-outcomes: every conflict was resolved with the strategy its device was set to, an
 * ask-user conflict applied the user's answer, and the outcome is one the strategy table allows.
 */
export function checkConflictOutcomes(
  conflicts: JudgedConflict[],
  label: (table: DataTable, id: string) => string | null,
  add: AddViolation,
) {
  for (const c of conflicts) {
    const where = {
      invariant: 'conflict-outcomes',
      record: `${c.collection}/${c.id}`,
      device: c.device,
      step: label(c.collection, c.id),
    };
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
