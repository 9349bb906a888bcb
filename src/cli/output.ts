import { type Command, CommanderError } from 'commander';
import { errorCodeFor } from './error-codes';
import { EXIT, exitCodeFor } from './errors';
import { type GlobalOptions, readGlobalOptions } from './global-options';

/**
 * What a command returns: data for `--json`, a printer for the terminal, and the exit code.
 * `--json` is handled here once: stdout then holds exactly one JSON document,
 * `{"status":"ok","result":…}` or `{"status":"error","error":{…}}`.
 */
export interface CommandOutcome<T> {
  result: T;
  print(result: T, out: Printer): void;
  exitCode?: number;
  /** The command printed its result itself (e.g. `emulators start`, which runs until stopped). */
  alreadyPrinted?: boolean;
}

export interface Printer {
  line(text?: string): void;
  /** Progress and chatter: stderr, and never in --json or --quiet. */
  info(text: string): void;
}

export type CommandAction<T> = (
  options: GlobalOptions,
  command: Command,
) => Promise<CommandOutcome<T>>;

let stdoutClosedEarly = false;

/** `personalai-sync status | head`: the reader went away; exiting then is not an error. */
export function exitOnClosedStdout(): never {
  stdoutClosedEarly = true;
  process.exit(process.exitCode ?? 0);
}

export function wrapAction<T>(action: CommandAction<T>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    let options: GlobalOptions | null = null;
    try {
      options = readGlobalOptions(command);
      // Exiting with 0 while the command still runs — the event loop emptied while it awaited
      // something that can never happen, or a library called process.exit(0) — is not a
      // success: it is said so, with where it happened, and the exit code is 1.
      const stalled = (code: number) => {
        // Non-zero codes already say failure (a signal, for one); stdout closed early is fine.
        if (code !== 0 || stdoutClosedEarly) return;
        process.stderr.write(
          `personalai-sync: internal error: the process ended (code ${code}) before the command finished. Please report this with the command line.\n${new Error('ended here').stack}\n`,
        );
        process.exitCode = EXIT.failures;
      };
      process.once('exit', stalled);
      let outcome: CommandOutcome<T>;
      try {
        outcome = await action(options, command);
      } finally {
        process.off('exit', stalled);
      }
      const exitCode = outcome.exitCode ?? EXIT.ok;
      if (outcome.alreadyPrinted) {
        // nothing more: stdout already holds the command's one document
      } else if (options.json) {
        writeJson({
          status: exitCode === EXIT.ok ? 'ok' : 'failed',
          exitCode,
          result: outcome.result,
        });
      } else {
        outcome.print(outcome.result, printerFor(options));
      }
      process.exitCode = exitCode;
    } catch (error) {
      reportError(error, options?.json ?? process.argv.includes('--json'), options?.verbose);
    }
  };
}

export function printerFor(options: Pick<GlobalOptions, 'json' | 'quiet'>): Printer {
  return {
    line: (text = '') => process.stdout.write(`${text}\n`),
    info: (text) => {
      if (!options.json && !options.quiet) process.stderr.write(`${text}\n`);
    },
  };
}

/** `verbose` (--verbose, or PERSONALAI_SYNC_DEBUG): also the stack of an unexpected error. */
export function reportError(error: unknown, json: boolean, verbose = false): void {
  const exitCode = exitCodeFor(error);
  // commander's own messages start with "error: "; the envelope's message is the sentence alone.
  const message = (error instanceof Error ? error.message : String(error)).replace(/^error: /, '');
  const name =
    error instanceof CommanderError ? 'UsageError' : error instanceof Error ? error.name : 'Error';
  if (json) {
    writeJson({ status: 'error', exitCode, error: { code: errorCodeFor(error), name, message } });
  } else {
    process.stderr.write(`personalai-sync: ${message}\n`);
    const debug = verbose || Boolean(process.env.PERSONALAI_SYNC_DEBUG);
    if (exitCode === EXIT.failures && debug && error instanceof Error) {
      process.stderr.write(`${error.stack}\n`);
    }
  }
  process.exitCode = exitCode;
}

function writeJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

/** Text from outside (e.g. a document id on the server) made safe for a terminal line. */
export function printable(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out +=
      code < 0x20 || (code >= 0x7f && code <= 0x9f)
        ? `\\u${code.toString(16).padStart(4, '0')}`
        : c;
  }
  return out;
}
