/**
 * How each conflict strategy may end, as the judge understands the strategies (DESIGN.md,
 * "ConflictResolver"): its own copy, on purpose, so a change to the engine's resolver cannot
 * quietly change what the judge accepts. test/judge/judge-copies.test.ts runs the engine's resolver over
 * every shape of conflict and fails if its outcomes and this table differ.
 */
export type Strategy = 'local-wins' | 'remote-wins' | 'merge' | 'ask-user';
export type Decision = 'local' | 'remote' | 'merge';
export type Outcome = 'kept-local' | 'took-remote' | 'merged' | 'deleted' | 'restored';

/** The decision a fixed strategy makes; ask-user's comes from the user's answer. */
export const DECISION_OF: Record<Exclude<Strategy, 'ask-user'>, Decision> = {
  'local-wins': 'local',
  'remote-wins': 'remote',
  merge: 'merge',
};

/**
 * Outcomes each decision may end in. A delete on either side may win (`deleted`) or be undone by
 * the other side's edit (`restored`: the local edit brings back a record deleted remotely);
 * `remote` never restores, because it takes the server's side, delete included.
 */
export const ALLOWED_OUTCOMES: Record<Decision, readonly Outcome[]> = {
  local: ['kept-local', 'deleted', 'restored'],
  remote: ['took-remote', 'deleted'],
  merge: ['merged', 'deleted', 'restored'],
};
