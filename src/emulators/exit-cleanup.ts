/**
 * Stops what this process started when it is interrupted (Ctrl-C, SIGTERM) or crashes, so no
 * emulator or port outlives it. Each started resource registers an async `stop` and a
 * synchronous `kill` (the last resort on `process.exit`, where nothing async runs).
 * Registration is per resource and undone when the resource stops normally.
 */
interface Cleanup {
  stop(): Promise<void>;
  killNow(): void;
}

const active = new Set<Cleanup>();
let handlersInstalled = false;

export function registerExitCleanup(cleanup: Cleanup): () => void {
  installHandlers();
  active.add(cleanup);
  return () => {
    active.delete(cleanup);
  };
}

async function stopAll(): Promise<void> {
  const pending = [...active];
  active.clear();
  await Promise.allSettled(pending.map((c) => c.stop()));
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const signals: Array<[NodeJS.Signals, number]> = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ];
  for (const [signal, code] of signals) {
    const onSignal = () => {
      // A command that listens for the signal itself stops things gracefully; leave it to it.
      if (process.listenerCount(signal) > 1) return;
      void stopAll().finally(() => process.exit(code));
    };
    process.on(signal, onSignal);
  }
  process.on('exit', () => {
    for (const cleanup of active) cleanup.killNow();
    active.clear();
  });
}
