import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { NetworkDownError, NetworkJudge } from '../../src/sync/network-judge';
import { APP_RETRY_POLICY, RetryHandler, retryDelayMs } from '../../src/sync/retry-handler';

const unavailable = () => Object.assign(new Error('service unavailable'), { code: 14 });
const permissionDenied = () => Object.assign(new Error('denied'), { code: 7 });

describe('retryDelayMs', () => {
  it('doubles from 1 s and caps at 30 s when there is no jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, APP_RETRY_POLICY, () => 0));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('adds between 0 and 999 ms of jitter', () => {
    expect(retryDelayMs(1, APP_RETRY_POLICY, () => 0.5)).toBe(1500);
    expect(retryDelayMs(1, APP_RETRY_POLICY, () => 0.999_999_9)).toBe(1999);
    expect(retryDelayMs(3, APP_RETRY_POLICY, () => 0.999_999_9)).toBe(4999);
  });

  it('never exceeds the cap, jitter included', () => {
    expect(retryDelayMs(5, APP_RETRY_POLICY, () => 0.999)).toBe(16999);
    expect(retryDelayMs(6, APP_RETRY_POLICY, () => 0.999)).toBe(30000);
  });

  it('refuses an attempt number below 1', () => {
    expect(() => retryDelayMs(0, APP_RETRY_POLICY, () => 0)).toThrow(RangeError);
  });
});

describe('RetryHandler', () => {
  function setup(random = () => 0.5) {
    const clock = new VirtualClock();
    const retries: { attempt: number; delayMs: number; context: string }[] = [];
    const handler = new RetryHandler({
      clock,
      random,
      onRetry: ({ attempt, delayMs, context }) => retries.push({ attempt, delayMs, context }),
    });
    return { clock, start: clock.now(), retries, handler };
  }

  it('uses the app policy by default', () => {
    expect(setup().handler.policy).toEqual(APP_RETRY_POLICY);
  });

  it('makes exactly 5 attempts on a retryable error, sleeping 4 times, then rethrows it', async () => {
    const { clock, start, retries, handler } = setup();
    const error = unavailable();
    let attempts = 0;
    const outcome = handler.executeWithRetry(async () => {
      attempts++;
      throw error;
    }, 'push health_data');

    await expect(outcome).rejects.toBe(error);
    expect(attempts).toBe(5);
    expect(retries.map((r) => r.delayMs)).toEqual([1500, 2500, 4500, 8500]);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect(retries.every((r) => r.context === 'push health_data')).toBe(true);
    expect(clock.now() - start).toBe(1500 + 2500 + 4500 + 8500);
  });

  it('attempts a permanent error once and does not sleep', async () => {
    const { clock, start, retries, handler } = setup();
    let attempts = 0;
    const outcome = handler.executeWithRetry(async () => {
      attempts++;
      throw permissionDenied();
    }, 'push');

    await expect(outcome).rejects.toThrow('denied');
    expect(attempts).toBe(1);
    expect(retries).toEqual([]);
    expect(clock.now()).toBe(start);
  });

  it('returns the value of a success on attempt 3, after two sleeps', async () => {
    const { clock, start, handler } = setup(() => 0);
    let attempts = 0;
    const value = await handler.executeWithRetry(async () => {
      attempts++;
      if (attempts < 3) throw unavailable();
      return 'uploaded';
    }, 'push');

    expect(value).toBe('uploaded');
    expect(attempts).toBe(3);
    expect(clock.now() - start).toBe(1000 + 2000);
  });

  it('asks an injected classifier which errors to retry', async () => {
    const clock = new VirtualClock();
    const handler = new RetryHandler({
      clock,
      random: () => 0,
      policy: { ...APP_RETRY_POLICY, maxAttempts: 2 },
      classify: () => ({ kind: 'retryable', code: 'custom', message: '' }),
    });
    let attempts = 0;
    await expect(
      handler.executeWithRetry(async () => {
        attempts++;
        throw permissionDenied();
      }, 'push'),
    ).rejects.toThrow('denied');
    expect(attempts).toBe(2);
  });
});

describe('RetryHandler with a pass-wide network judge', () => {
  function setup() {
    const clock = new VirtualClock();
    const network = new NetworkJudge(APP_RETRY_POLICY.maxAttempts);
    const handler = new RetryHandler({ clock, random: () => 0, network });
    return { network, handler };
  }
  const failing = (calls: { n: number }) => async () => {
    calls.n += 1;
    throw unavailable();
  };

  it('one call failing all its attempts on network errors judges the network down', async () => {
    const { network, handler } = setup();
    const first = { n: 0 };
    await expect(handler.executeWithRetry(failing(first), 'pull')).rejects.toThrow('unavailable');
    expect(first.n).toBe(5);
    expect(network.down?.code).toBe('unavailable');
  });

  it('does not attempt a call asked for after the network was judged down', async () => {
    const { network, handler } = setup();
    await expect(handler.executeWithRetry(failing({ n: 0 }), 'pull')).rejects.toThrow();
    expect(network.down).not.toBeNull();
    let called = false;
    const refused = handler.executeWithRetry(async () => {
      called = true;
    }, 'push health_data');
    await expect(refused).rejects.toBeInstanceOf(NetworkDownError);
    await expect(refused).rejects.toThrow(
      /push health_data not attempted: the network was judged down after 5 failed attempts of one call \(unavailable: /,
    );
    expect(called).toBe(false);
  });

  it('a flaky network (an answer, even a refusal, between failures) is not judged down', async () => {
    const { network, handler } = setup();
    let n = 0;
    await expect(
      handler.executeWithRetry(async () => {
        n += 1;
        throw n === 3 ? permissionDenied() : unavailable();
      }, 'push'),
    ).rejects.toThrow('denied');
    expect(network.down).toBeNull();
  });
});
