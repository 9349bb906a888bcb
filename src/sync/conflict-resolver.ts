import type { DataTable } from '../db/schema-current';
import { differingFields, syncedColumnNames, type Values } from './wire-format';

/**
 * Deciding a conflict: this device changed a record (or deleted it) since the server version it
 * is based on, and so did someone else. Pure except for `ask-user`, which awaits the injected
 * decision function. No clock takes part: "later" means later in the server's order, and this
 * device's change is always the later one, because it reaches the server only after the other
 * side's (whose version it has just seen). Every device that resolves the same conflict therefore
 * decides the same way, and the resolution itself is committed with a precondition, so devices
 * converge on it.
 *
 *   local-wins   keep this device's whole record (or its delete)
 *   remote-wins  take the server's record (or its delete); drop this device's change
 *   merge        field by field: changed on one side only -> that side; changed on both sides ->
 *                the later write (this device's). Delete versus edit -> the later operation
 *                (this device's).
 *   ask-user     call the decision function with both versions; it answers one of the above
 */
export type ConflictStrategy = 'local-wins' | 'remote-wins' | 'merge' | 'ask-user';
export const CONFLICT_STRATEGIES: readonly ConflictStrategy[] = [
  'local-wins',
  'remote-wins',
  'merge',
  'ask-user',
];

export interface ConflictSide {
  /** null: deleted on this side. */
  values: Values | null;
  /** Fields changed on this side since the common base. */
  changed: string[];
}

export interface Conflict {
  table: DataTable;
  id: string;
  local: ConflictSide;
  remote: ConflictSide;
}

export type Decision = 'local' | 'remote' | 'merge';
export type DecideFn = (conflict: Conflict) => Promise<Decision> | Decision;

export type ConflictOutcome = 'kept-local' | 'took-remote' | 'merged' | 'deleted' | 'restored';

export interface Resolution {
  /** The record's resolved values; null: the record is deleted. */
  values: Values | null;
  outcome: ConflictOutcome;
  /** Fields changed on both sides (for a delete-versus-edit: the edited fields). */
  fields: string[];
  strategy: ConflictStrategy;
  /** For ask-user: what the decision function answered. */
  decision?: Decision;
}

export class AskUserUnavailableError extends Error {
  override name = 'AskUserUnavailableError';
}

export async function resolveConflict(
  conflict: Conflict,
  strategy: ConflictStrategy,
  decide?: DecideFn,
): Promise<Resolution> {
  if (strategy !== 'ask-user')
    return { ...applyDecision(conflict, decisionFor(strategy)), strategy };
  if (!decide) {
    throw new AskUserUnavailableError(
      `Conflict on ${conflict.table}/${conflict.id} needs an answer (strategy ask-user), but no decision function was given.`,
    );
  }
  const decision = await decide(conflict);
  if (decision !== 'local' && decision !== 'remote' && decision !== 'merge') {
    throw new AskUserUnavailableError(
      `The ask-user answer for ${conflict.table}/${conflict.id} must be local, remote or merge; got ${JSON.stringify(decision)}.`,
    );
  }
  return { ...applyDecision(conflict, decision), strategy, decision };
}

function decisionFor(strategy: Exclude<ConflictStrategy, 'ask-user'>): Decision {
  return strategy === 'local-wins' ? 'local' : strategy === 'remote-wins' ? 'remote' : 'merge';
}

/** The pure core: what each decision means for a pair of versions. */
export function applyDecision(
  conflict: Conflict,
  decision: Decision,
): Omit<Resolution, 'strategy'> {
  const { local, remote } = conflict;
  const both = local.changed.filter((f) => remote.changed.includes(f));
  if (local.values === null || remote.values === null) {
    const edited = local.values ? local.changed : remote.changed;
    const keepLocal = decision !== 'remote'; // merge: the later operation is this device's
    const values = keepLocal ? local.values : remote.values;
    const outcome: ConflictOutcome =
      values === null ? 'deleted' : local.values ? 'restored' : 'took-remote';
    return { values, outcome, fields: edited };
  }
  if (decision === 'local')
    return { values: { ...local.values }, outcome: 'kept-local', fields: both };
  if (decision === 'remote')
    return { values: { ...remote.values }, outcome: 'took-remote', fields: both };
  return { values: mergeFields(conflict.table, local, remote), outcome: 'merged', fields: both };
}

function mergeFields(table: DataTable, local: ConflictSide, remote: ConflictSide): Values {
  const merged: Values = {};
  const localChanged = new Set(local.changed);
  for (const field of syncedColumnNames(table)) {
    // Changed locally (alone, or on both sides where the local write is the later): local.
    merged[field] = localChanged.has(field) ? local.values![field] : remote.values![field];
  }
  return merged;
}

/** Fields the resolution still has to write to the server. */
export function fieldsToPush(table: DataTable, resolved: Values, remote: Values | null): string[] {
  return remote ? differingFields(table, resolved, remote) : syncedColumnNames(table);
}
