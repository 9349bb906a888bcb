import type { SyncResult } from '../sync/sync-manager';

/**
 * One sync pass in a line for the report's log: "pushed 2, pulled 1, 1 conflict(s)"; a pass that
 * did not start says why. Counts only, never values (they are personal data).
 */
export function describePass(
  result: Pick<
    SyncResult,
    'started' | 'reason' | 'pushed' | 'pulled' | 'deleted' | 'conflicts' | 'errors'
  >,
): string {
  if (!result.started) return `did not start${result.reason ? `: ${result.reason}` : ''}`;
  const parts = [`pushed ${result.pushed}`, `pulled ${result.pulled}`];
  if (result.deleted > 0) parts.push(`deleted ${result.deleted}`);
  if (result.conflicts.length > 0) parts.push(`${result.conflicts.length} conflict(s)`);
  if (result.errors.length > 0) parts.push(`${result.errors.length} error(s)`);
  return parts.join(', ');
}
