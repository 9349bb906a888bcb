import type { Conflict, DecideFn, Decision } from '../sync/conflict-resolver';
import { syncedColumnNames } from '../sync/wire-format';

/**
 * `--strategy ask-user` on a terminal: each conflict is shown as the two versions side by side,
 * the fields changed on each side highlighted, and the user picks which to keep or to merge
 * (@inquirer/prompts, on stderr so stdout stays the command's). Conflicts are asked one at a time
 * even when collections sync side by side. The values shown are the user's own data on their own
 * terminal; they are never logged.
 */
export function terminalDecide(
  onInterrupt: () => void = raiseSigint,
  /** What else draws on the terminal (a spinner) stands aside while a conflict is asked. */
  screen: PromptScreen = { pause: () => {}, resume: () => {} },
): DecideFn {
  let queue: Promise<unknown> = Promise.resolve();
  return (conflict) => {
    const answer = queue.then(async () => {
      screen.pause();
      try {
        return await ask(conflict, onInterrupt);
      } finally {
        screen.resume();
      }
    });
    queue = answer.catch(() => {});
    return answer;
  };
}

export interface PromptScreen {
  pause(): void;
  resume(): void;
}

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Ctrl-C at a prompt, for a command that does not handle it itself: as Ctrl-C anywhere. */
function raiseSigint(): void {
  process.kill(process.pid, 'SIGINT');
}

async function ask(conflict: Conflict, onInterrupt: () => void): Promise<Decision> {
  process.stderr.write(`\n${sideBySide(conflict)}\n`);
  for (;;) {
    try {
      return await select(conflict);
    } catch (error) {
      if ((error as Error).name !== 'ExitPromptError') throw error;
      // The prompt holds the terminal in raw mode, so Ctrl-C reaches it as a key, not a signal:
      // it is passed on as the Ctrl-C it means (`run` stops and drains; a second one exits at
      // once). The conflict still needs an answer to be resolved, so it is asked again.
      onInterrupt();
      process.stderr.write(
        '(stopping: answer this conflict to go on, or Ctrl-C again to exit now)\n',
      );
    }
  }
}

function select(conflict: Conflict): Promise<Decision> {
  const { select } = require('@inquirer/prompts') as typeof import('@inquirer/prompts');
  return select<Decision>(
    {
      message: `Conflict on ${conflict.table}/${conflict.id}: which version do you keep?`,
      choices: [
        { name: 'This device (local)', value: 'local' },
        { name: 'The server (remote)', value: 'remote' },
        { name: 'Merge field by field (later write wins where both changed)', value: 'merge' },
      ],
    },
    { output: process.stderr },
  );
}

const color = (code: number, text: string) =>
  process.env.NO_COLOR ? text : `\x1b[${code}m${text}\x1b[0m`;

export function sideBySide(conflict: Conflict): string {
  const { local, remote } = conflict;
  const rows = syncedColumnNames(conflict.table).map((field) => {
    const l = local.values ? show(local.values[field]) : '(deleted)';
    const r = remote.values ? show(remote.values[field]) : '(deleted)';
    const mark =
      local.changed.includes(field) && remote.changed.includes(field)
        ? '!'
        : local.changed.includes(field)
          ? '<'
          : remote.changed.includes(field)
            ? '>'
            : ' ';
    return { field, l, r, mark };
  });
  const width = (pick: (row: { field: string; l: string; r: string }) => string, title: string) =>
    Math.max(title.length, ...rows.map((row) => pick(row).length));
  const wf = width((row) => row.field, 'field');
  const wl = width((row) => row.l, 'this device');
  const lines = [`  ${'field'.padEnd(wf)}   ${'this device'.padEnd(wl)}   the server`];
  for (const row of rows) {
    const line = `${row.mark} ${row.field.padEnd(wf)}   ${row.l.padEnd(wl)}   ${row.r}`;
    lines.push(row.mark === ' ' ? line : color(row.mark === '!' ? 33 : 36, line));
  }
  lines.push('  (< changed here, > changed on the server, ! changed on both)');
  return lines.join('\n');
}

function show(value: unknown): string {
  const text = value === null || value === undefined ? '—' : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
