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
