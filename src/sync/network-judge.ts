import type { DataTable } from '../db/schema-v2';
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
 * uploads, blob deletes: all go through the pass's RetryHandler) reports here whether it got an
 * answer. `threshold` network failures in a row, with no answer from the server in between, and
 * the network is judged down for the rest of the pass: what is in flight stops retrying and
 * nothing new starts, so a black hole costs a pass about one call's retries instead of every
 * chunk's (found: 5 attempts × deadline per chunk held one pass for minutes).
 *
 * Counting across calls, not per call, is what makes it quick: with four commits in flight into
 * a black hole, the fifth failure comes after two deadlines, not five. One call running out of
 * its attempts on a network failure is the same verdict (its attempts are failures in a row).
 * Any answer, even a refusal, proves the server reachable and resets the count.
 */
export class NetworkJudge {
  private streak = 0;
  private verdict: ErrorClass | null = null;

  constructor(private readonly threshold: number) {
    if (!Number.isInteger(threshold) || threshold < 1)
      throw new RangeError(`NetworkJudge threshold must be a positive integer, got ${threshold}.`);
  }

  /** The failure that settled the verdict, or null while the network is thought up. */
  get down(): ErrorClass | null {
    return this.verdict;
  }

  /** How many network failures in a row settled the verdict (for the report). */
  get failuresInARow(): number {
    return this.streak;
  }

  answered(): void {
    if (!this.verdict) this.streak = 0;
  }

  failed(error: ErrorClass): void {
    if (this.verdict) return;
    if (!isNetworkDown(error)) {
      this.streak = 0; // the server answered, if only to refuse
      return;
    }
    this.streak += 1;
    if (this.streak >= this.threshold) this.verdict = error;
  }

  /** "after 5 network failures in a row (deadline-exceeded: …)", for error messages. */
  describe(): string {
    const v = this.verdict;
    return v ? `after ${this.streak} network failures in a row (${v.code}: ${v.message})` : '';
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
 * so (code `network-down`), counted as a failure so the pass does not report success.
 */
export function reportNetworkDown(
  ctx: SyncContext,
  table: DataTable,
  stats: CollectionStats,
  what: string,
): void {
  stats.failed += 1;
  stats.errors.push({
    collection: table,
    documentId: null,
    error: `network down: ${what}; judged down ${ctx.network.describe()}`,
    code: 'network-down',
    kind: 'retryable',
  });
}
