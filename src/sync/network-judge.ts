import type { DataTable } from '../db/schema-current';
import type { ErrorClass } from './classify-error';
import type { CollectionStats, SyncContext } from './sync-context';

/**
 * Error codes that mean the server could not be reached at all (as opposed to a server that
 * answered "no"). `network-down` is this module's own: a call not made because the pass had
 * already judged the network down.
 */
const NETWORK_DOWN_CODES = new Set(['unavailable', 'deadline-exceeded', 'network', 'network-down']);

export function isNetworkDown(error: Pick<ErrorClass, 'code'>): boolean {
  return NETWORK_DOWN_CODES.has(error.code);
}

/**
 * One sync pass's verdict on the network. Every remote call of the pass (pull pages, commits,
 * uploads, blob deletes: all go through the pass's RetryHandler) reports its failures here. When
 * one call has failed all its attempts for lack of a network (the rule a failed pull already
 * followed), the network is judged down for the rest of the pass: what is in flight stops
 * retrying and nothing new starts, so a black hole costs a pass about one call's retries instead
 * of every chunk's (found: 5 attempts × deadline per chunk held one pass for minutes).
 *
 * Why one call's attempts in a row and not failures counted across calls: five calls in flight
 * that time out together say little (a cold or loaded emulator's first queries do; their retries
 * get through), and a count across calls depends on the order in which concurrent calls finish,
 * which would make a seeded scenario's outcome vary from run to run.
 */
export class NetworkJudge {
  private verdict: ErrorClass | null = null;
  private attempts = 0;

  constructor(private readonly threshold: number) {
    if (!Number.isInteger(threshold) || threshold < 1)
      throw new RangeError(`NetworkJudge threshold must be a positive integer, got ${threshold}.`);
  }

  /** The failure that settled the verdict, or null while the network is thought up. */
  get down(): ErrorClass | null {
    return this.verdict;
  }

  /** A call failed on its `attempt`-th attempt (1-based); its earlier attempts failed too. */
  failed(error: ErrorClass, attempt: number): void {
    if (this.verdict || !isNetworkDown(error) || attempt < this.threshold) return;
    this.verdict = error;
    this.attempts = attempt;
  }

  /** "after 5 failed attempts of one call (deadline-exceeded: …)", for error messages. */
  describe(): string {
    const v = this.verdict;
    return v ? `after ${this.attempts} failed attempts of one call (${v.code}: ${v.message})` : '';
  }
}

/** A call the pass did not make because it had judged the network down. */
export class NetworkDownError extends Error {
  readonly code = 'network-down';

  constructor(what: string, judge: NetworkJudge) {
    super(`${what} not attempted: the network was judged down ${judge.describe()}`);
    this.name = 'NetworkDownError';
  }
}

/**
 * A collection's phase cut short because the pass judged the network down: one error that says
 * so (code `network-down`). Work cut short counts as a failure, so the pass does not report
 * success; a phase that never started (`counted: false`) failed nothing, and is only reported
 * (which collections reach their push before the verdict depends on timing, and failure
 * counts should not).
 */
export function reportNetworkDown(
  ctx: SyncContext,
  table: DataTable,
  stats: CollectionStats,
  what: string,
  counted = true,
): void {
  if (counted) stats.failed += 1;
  stats.errors.push({
    collection: table,
    documentId: null,
    error: `network down: ${what}; judged down ${ctx.network.describe()}`,
    code: 'network-down',
    kind: 'retryable',
  });
}
