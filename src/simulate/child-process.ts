import { type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * A TypeScript entry point run as a child process (a device process that can be killed for
 * real), and its stdout read as JSON lines. Shared by the crash-safety test and the scenario
 * `kill` step.
 */
export function spawnTsChild(
  entry: string,
  config: unknown,
): ChildProcessByStdio<null, Readable, Readable> {
  // tsx's CommonJS hook only: the package is CommonJS, and it boots ~0.5 s faster than --import tsx.
  return spawn(process.execPath, ['--require', 'tsx/cjs', entry, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // No probe off loopback (docs: ENVIRONMENT), and the models' decorators need this
      // project's tsconfig wherever the parent was started from.
      METADATA_SERVER_DETECTION: 'none',
      TSX_TSCONFIG_PATH:
        process.env.TSX_TSCONFIG_PATH ?? path.join(__dirname, '..', '..', 'tsconfig.json'),
    },
  });
}

/** Calls `onEvent` with each JSON line of `stream` (`onBad` with a line that is not JSON). */
export function onJsonLines(
  stream: Readable,
  onEvent: (event: Record<string, unknown>) => void,
  onBad: (line: string) => void,
): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        onBad(line);
        continue;
      }
      onEvent(event);
    }
  });
}
