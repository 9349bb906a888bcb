/**
 * Resolves on Ctrl-C or SIGTERM (or after `timeoutMs`), for commands that run until stopped.
 * While it waits, the signals are the command's to handle gracefully: the exit-cleanup handler
 * steps aside when another listener is present (src/emulators/exit-cleanup.ts).
 */
export function waitForStopSignal(timeoutMs: number | null = null): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      if (timer) clearTimeout(timer);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
    if (timeoutMs !== null) timer = setTimeout(done, timeoutMs);
  });
}

/**
 * A long command's graceful stop (`run`): the first Ctrl-C or SIGTERM aborts `signal` (the
 * command stops where it is, finishes what it must, prints its report) and is remembered for
 * the exit code (130 / 143, as a shell reports a signal); a second exits at once. `release()`
 * gives the signals back (to the exit-cleanup handler) once the command no longer listens.
 */
export function stopOnSignal(notes: NodeJS.WritableStream | null): {
  signal: AbortSignal;
  exitCode(): number | null;
  /** Ctrl-C that did not come as a signal (a key at a prompt in raw mode). */
  interrupt(): void;
  release(): void;
} {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received !== null) {
      notes?.write(`\n${signal} again: stopping now, without a report\n`);
      process.exit(SIGNAL_EXIT[signal] ?? 130);
    }
    received = signal;
    notes?.write(
      `\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping; the devices drain, then the report (Ctrl-C again to stop now)\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    exitCode: () => (received === null ? null : (SIGNAL_EXIT[received] ?? 130)),
    interrupt: () => onSignal('SIGINT'),
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** 128 + the signal's number, as shells report a process a signal ended. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
