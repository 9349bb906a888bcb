import type { GlobalOptions } from './global-options';

/**
 * Progress on a terminal only: never with --json or --quiet, never when stderr is not a TTY, and
 * never on a terminal that reports no columns (`script` without a terminal gives 0; ora then
 * computes an infinite line count and spins forever, writing without end).
 */
export interface Spinner {
  update(text: string): void;
  /** Clears the line and draws nothing until resume (a prompt is asking on the terminal). */
  pause(): void;
  resume(): void;
  stop(): void;
}

export function startSpinner(
  options: Pick<GlobalOptions, 'json' | 'quiet'>,
  text: string,
): Spinner {
  if (options.json || options.quiet || !process.stderr.isTTY || !(process.stderr.columns > 0))
    return { update: () => {}, pause: () => {}, resume: () => {}, stop: () => {} };
  // ora is ESM-only; Node 20.19+ loads it with require().
  const ora = (
    require('ora') as {
      default: (o: object) => {
        start(): { text: string; render(): void; stop(): void; start(): void };
      };
    }
  ).default;
  const spinner = ora({
    text,
    stream: process.stderr,
    // The terminal's input stays the terminal's: ora's discarding holds stdin in raw mode, which
    // fights the ask-user prompt for it (and turned Ctrl-C at the prompt into a stray SIGINT).
    discardStdin: false,
    color: process.env.NO_COLOR ? false : 'cyan',
  }).start();
  let stopped = false;
  let paused = false;
  return {
    update: (next) => {
      if (stopped || spinner.text === next) return;
      spinner.text = next;
      // Drawn now, not at the next frame: work shorter than a frame still shows what it did.
      if (!paused) spinner.render();
    },
    pause: () => {
      if (stopped || paused) return;
      paused = true;
      spinner.stop();
    },
    resume: () => {
      if (stopped || !paused) return;
      paused = false;
      spinner.start();
    },
    stop: () => {
      if (!stopped && !paused) spinner.stop();
      stopped = true;
    },
  };
}
