import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve(__dirname, '..', '..', 'bin', 'personalai-sync');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process; emulator variables are cleared unless given. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
  as?: { uid?: number; gid?: number; cwd?: string },
): Promise<CliResult> {
  const child = startCli(args, env, as);
  return collect(child, timeoutMs);
}

/**
 * `as`: run the CLI as another user (e.g. one that root's permission bypass does not cover), or
 * from another folder.
 */
export function startCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  as?: { uid?: number; gid?: number; cwd?: string },
): ChildProcess {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    FIRESTORE_EMULATOR_HOST: undefined,
    FIREBASE_STORAGE_EMULATOR_HOST: undefined,
    STORAGE_EMULATOR_HOST: undefined,
    FIREBASE_AUTH_EMULATOR_HOST: undefined,
    ...env,
  };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  return spawn(process.execPath, [BIN, ...args], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  });
}

export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out after ${timeoutMs} ms\nstdout:${stdout}\nstderr:${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves with stdout so far once `pattern` appears in it. */
export function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<string> {
  let stdout = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Timed out waiting for ${pattern}; got:\n${stdout}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (d) => {
      stdout += d;
      if (pattern.test(stdout)) {
        clearTimeout(timer);
        resolve(stdout);
      }
    });
    child.on('exit', () =>
      reject(new Error(`CLI exited before printing ${pattern}; got:\n${stdout}`)),
    );
  });
}
