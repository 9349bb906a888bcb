import type { Spinner } from './spinner';

/**
 * Progress of a long sync pass on a terminal: how many changes are still queued, polled from the
 * device's database while the pass runs (the engine reports nothing until it ends). A cheap count
 * every half second; stops with the pass.
 */
export function showPending(
  spinner: Spinner,
  pending: () => Promise<number>,
  label: string,
  everyMs = 500,
): () => void {
  let first: number | null = null;
  let stopped = false;
  const tick = async () => {
    const now = await pending().catch(() => null);
    if (stopped || now === null) return;
    first ??= now;
    spinner.update(
      first === 0
        ? `${label}: pulling…`
        : `${label}: ${(first - now).toLocaleString('en-US')} of ${first.toLocaleString('en-US')} changes sent, ${now.toLocaleString('en-US')} pending`,
    );
  };
  void tick();
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
