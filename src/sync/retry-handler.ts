/**
 * The app's RetryHandler: exponential backoff with jitter, time and randomness injected so a
 * virtual clock replays a full backoff sequence instantly and a seed reproduces it.
 */
import type { Clock } from '../core/clock';
import type { Random } from '../core/random';
import { classifyError, type ErrorClass } from './classify-error';
import { isNetworkDown, NetworkDownError, type NetworkJudge } from './network-judge';

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  multiplier: number;
  /** Up to this much is added at random, so devices that failed together don't retry together. */
  maxJitterMs: number;
  maxDelayMs: number;
}

/** As in the app: 5 attempts, base 1 s, ×2, up to 1 s jitter, capped at 30 s. */
export const APP_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  multiplier: 2,
  maxJitterMs: 1000,
  maxDelayMs: 30000,
};

/**
 * Delay after failed attempt `attempt` (1-based): base × multiplier^(attempt−1) plus jitter,
 * capped. Jitter is floored, so with a 1000 ms maximum it adds 0–999 ms.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: Random): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`Retry attempt must be a positive integer, got ${attempt}.`);
  }
  const backoff = policy.baseDelayMs * policy.multiplier ** (attempt - 1);
  const jitter = Math.floor(random() * policy.maxJitterMs);
  return Math.round(Math.min(backoff + jitter, policy.maxDelayMs));
}

export interface RetryInfo {
  context: string;
  attempt: number;
  delayMs: number;
  error: unknown;
}

export class RetryHandler {
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly retryPolicy: RetryPolicy;
  private readonly classify: (error: unknown) => ErrorClass;
  private readonly onRetry?: (info: RetryInfo) => void;
  private readonly network?: NetworkJudge;

  constructor(options: {
    clock: Clock;
    random: Random;
    policy?: RetryPolicy;
    classify?: (error: unknown) => ErrorClass;
    onRetry?: (info: RetryInfo) => void;
    /** A sync pass's verdict on the network: once it says down, nothing is tried or retried. */
    network?: NetworkJudge;
  }) {
    this.clock = options.clock;
    this.random = options.random;
    this.retryPolicy = options.policy ?? APP_RETRY_POLICY;
    this.classify = options.classify ?? classifyError;
    this.onRetry = options.onRetry;
    this.network = options.network;
    const { maxAttempts } = this.retryPolicy;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(
        `RetryPolicy.maxAttempts must be a positive integer, got ${maxAttempts}.`,
      );
    }
  }

  get policy(): RetryPolicy {
    return this.retryPolicy;
  }

  /**
   * Runs `operation` until it succeeds, fails permanently, or runs out of attempts; then
   * rethrows the last error unchanged, so callers can classify and record it themselves.
   * With a network judge: an operation asked for after the network was judged down is not
   * tried (NetworkDownError), and one in progress stops retrying (its last error is rethrown).
   */
  async executeWithRetry<T>(operation: () => Promise<T>, context: string): Promise<T> {
    if (this.network?.down) throw new NetworkDownError(context, this.network);
    let networkFailures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        const cls = this.classify(error);
        // Attempts in a row of one call only count while each failure is a network failure.
        networkFailures = isNetworkDown(cls) ? networkFailures + 1 : 0;
        this.network?.failed(cls, networkFailures);
        // A permanent failure would fail identically on every retry; waiting only delays the news.
        if (
          cls.kind === 'permanent' ||
          attempt >= this.retryPolicy.maxAttempts ||
          this.network?.down
        ) {
          throw error;
        }
        const delayMs = retryDelayMs(attempt, this.retryPolicy, this.random);
        this.onRetry?.({ context, attempt, delayMs, error });
        await this.clock.sleep(delayMs);
        // Judged down meanwhile (by another call of the pass): this one's news is the same.
        if (this.network?.down) throw error;
      }
    }
  }
}
