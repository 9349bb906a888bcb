import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { BIN } from './cli';

/**
 * The CLI on a real pseudo-terminal: util-linux `script` (Debian's bsdutils, an essential
 * package) gives it one, as a user's terminal would. Shared by the tests that need a terminal.
 */

/** Whether `script` is here; if not, says on stderr which tests skip and what to install. */
export function scriptAvailable(who: string, what = 'skipped'): boolean {
  const here = spawnSync('script', ['--version']).status === 0;
  if (!here)
    process.stderr.write(
      `[${who}] ${what}: util-linux \`script\` is not installed (apt-get install bsdutils)\n`,
    );
  return here;
}

/**
 * Starts `node bin/personalai-sync …args` on a pseudo-terminal; what it draws comes out on the
 * child's stdout. `setup`: shell run first on the same terminal (e.g. `stty cols 120 rows 40`;
 * without it the terminal has 0 columns). `typing`: the child's stdin is what the user types
 * (otherwise nothing is typed).
 */
export function spawnOnTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { setup?: string; typing?: boolean } = {},
): ChildProcess & { stdout: NodeJS.ReadableStream } {
  const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const line = options.setup ? `${options.setup}; ${command}` : command;
  return spawn('script', ['-qec', line, '/dev/null'], {
    env,
    stdio: [options.typing ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { stdout: NodeJS.ReadableStream };
}
