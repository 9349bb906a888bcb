import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { EnvironmentError } from './environment-error';
import { registerExitCleanup } from './exit-cleanup';
import {
  type FirestoreEmulatorBinary,
  findFirestoreEmulator,
  notFoundMessage,
} from './find-firestore-emulator';
import { findFreePort, isPortFree } from './free-port';

export interface FirestoreEmulatorOptions {
  host?: string;
  /** 0 or absent: a free port. */
  port?: number;
  projectId: string;
  rulesFile?: string;
  binary?: FirestoreEmulatorBinary;
  startTimeoutMs?: number;
  /** Where the emulator's own output goes (it is chatty); defaults to nowhere. */
  onOutput?: (line: string) => void;
  /** Start with the documents of this export (its `.overall_export_metadata` file). */
  seedFromExport?: string;
}

export interface FirestoreEmulatorHandle {
  host: string;
  port: number;
  /** `host:port`, the form FIRESTORE_EMULATOR_HOST takes. */
  endpoint: string;
  pid: number;
  startupMs: number;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Google's Firestore emulator on loopback and waits until it answers. */
export async function startFirestoreEmulator(
  options: FirestoreEmulatorOptions,
): Promise<FirestoreEmulatorHandle> {
  const binary = options.binary ?? locate();
  const host = options.host ?? '127.0.0.1';
  const port = options.port || (await findFreePort(host));
  if (!(await isPortFree(port, host))) {
    throw new EnvironmentError(
      `Port ${host}:${port} is taken; pick another with \`emulators start --firestore-port N\` (or leave it out for a free one), or attach to what runs there with --firestore ${host}:${port}.`,
    );
  }
  const startedAt = performance.now();
  const recentOutput: string[] = [];
  const child = spawnEmulator(binary, host, port, {
    ...options,
    onOutput: (line) => {
      recentOutput.push(line);
      if (recentOutput.length > 15) recentOutput.shift();
      options.onOutput?.(line);
    },
  });
  const exited = watchExit(child);
  const unregister = registerExitCleanup({
    stop: () => stopProcessGroup(child, exited),
    killNow: () => killGroup(child, 'SIGKILL'),
  });
  try {
    await waitUntilReady(host, port, exited, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stopProcessGroup(child, exited);
    unregister();
    // Only on failure (a JVM start costs time): a missing Java is said with what to do.
    if (error instanceof EnvironmentError) assertJava();
    if (error instanceof EnvironmentError && recentOutput.length > 0) {
      error.message += `\nIts last output:\n  ${recentOutput.join('\n  ')}`;
    }
    throw error;
  }
  const startupMs = Math.round(performance.now() - startedAt);
  const endpoint = `${host}:${port}`;
  return {
    host,
    port,
    endpoint,
    pid: child.pid ?? -1,
    startupMs,
    reset: () => resetFirestoreEmulator(endpoint, options.projectId),
    async stop() {
      await stopProcessGroup(child, exited);
      unregister();
    },
  };
}

/** Deletes every document of the project (the emulator's REST reset). */
export async function resetFirestoreEmulator(endpoint: string, projectId: string): Promise<void> {
  const url = `http://${endpoint}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE' });
  if (!response.ok) {
    throw new Error(`Firestore emulator reset failed: HTTP ${response.status} from ${url}`);
  }
}

/** True when a Firestore emulator answers at `endpoint`. */
export async function isFirestoreEmulatorUp(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await fetch(`http://${endpoint}/`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Google's emulator runs on Java (the gcloud launcher is a shell script that calls `java`):
 * without it the launcher only says "java: command not found". Said here, with what to do.
 */
function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new EnvironmentError(
      "Java 17 or newer is needed to run Google's Firestore emulator, and `java` was not found on PATH. Install a JRE (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17), or attach to running emulators with --firestore HOST:PORT.",
    );
  }
}

function locate(): FirestoreEmulatorBinary {
  const { found, searched } = findFirestoreEmulator();
  if (!found) throw new EnvironmentError(notFoundMessage(searched));
  return found;
}

function spawnEmulator(
  binary: FirestoreEmulatorBinary,
  host: string,
  port: number,
  options: FirestoreEmulatorOptions,
): ChildProcess {
  const flags = [`--host=${host}`, `--port=${port}`, `--project_id=${options.projectId}`];
  if (options.rulesFile) flags.push(`--rules=${options.rulesFile}`);
  if (options.seedFromExport) flags.push(`--seed_from_export=${options.seedFromExport}`);
  const [command, args] =
    binary.kind === 'jar'
      ? ['java', ['-Duser.language=en', '-jar', binary.path, ...flags]]
      : [binary.path, ['start', ...flags]];
  // Its own process group: the gcloud launcher is a shell script that does not exec java, so
  // stopping means signalling the whole group, or java would be orphaned. The group is led by a
  // small shell that also ends it when this process is gone: a command killed with SIGKILL (a
  // test's timeout, the OOM killer) runs no cleanup, and its emulator would live on, holding a
  // port and a gigabyte, until the machine restarts.
  const child = spawn('/bin/sh', ['-c', WATCH_PARENT, 'emulator', command as string, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PERSONALAI_SYNC_PARENT_PID: String(process.pid) },
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  child.on('error', () => {}); // reported through `exited` below
  return child;
}

/**
 * Runs "$@" and waits for it; every second, if the process that started it is gone, ends the
 * whole group (the launcher and java) and itself. A signal to the group ends the command as
 * before; the command's exit status is the shell's. `sleep` by its path: the command's PATH is
 * the caller's (a test takes Java off it), and the watch must not spin without one.
 */
const WATCH_PARENT = `nap=/bin/sleep; [ -x /usr/bin/sleep ] && nap=/usr/bin/sleep
"$@" &
child=$!
while kill -0 "$PERSONALAI_SYNC_PARENT_PID" 2>/dev/null; do
  if ! kill -0 "$child" 2>/dev/null; then wait "$child"; exit $?; fi
  "$nap" 1
done
kill -KILL -$$`;

const CANNOT_EXECUTE =
  'Java or the emulator launcher could not be executed (is Java 17+ installed and on PATH?)';

interface Exit {
  promise: Promise<string>;
  done: boolean;
}

function watchExit(child: ChildProcess): Exit {
  const exit: Exit = { done: false, promise: Promise.resolve('') };
  exit.promise = new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      exit.done = true;
      resolve(error.code === 'ENOENT' ? CANNOT_EXECUTE : error.message);
    });
    child.once('exit', (code, signal) => {
      exit.done = true;
      // The watching shell runs the launcher: 126/127 are its "cannot execute" and "not found".
      if (code === 126 || code === 127) resolve(CANNOT_EXECUTE);
      else resolve(`exited with ${signal ?? `code ${code}`}`);
    });
  });
  return exit;
}

async function waitUntilReady(host: string, port: number, exited: Exit, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited.done) {
      throw new EnvironmentError(
        `The Firestore emulator did not start on ${host}:${port}: ${await exited.promise}.`,
      );
    }
    // One try is always made after the deadline: this process's event loop may have been busy
    // for the whole wait (the Auth emulator builds its router in-process while Java starts), and
    // a try begun before that stall is aborted by its timer as soon as the loop runs again.
    const last = Date.now() >= deadline;
    // The first answer of a JVM just started can take seconds on a busy machine.
    const patience = Math.max(1000, Math.min(10_000, deadline - Date.now()));
    if (await isFirestoreEmulatorUp(`${host}:${port}`, patience)) return;
    if (last) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new EnvironmentError(
    `The Firestore emulator did not answer on ${host}:${port} within ${timeoutMs} ms.`,
  );
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopProcessGroup(child: ChildProcess, exited: Exit): Promise<void> {
  if (exited.done) return;
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
  await exited.promise;
  clearTimeout(timer);
  // The launcher shell can exit before java; nothing of the group may be left listening.
  killGroup(child, 'SIGKILL');
  await waitForGroupGone(child.pid, 5000);
}

async function waitForGroupGone(pid: number | undefined, timeoutMs: number): Promise<void> {
  if (!pid) return;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-pid, 0);
    } catch {
      return; // ESRCH: no process of the group is left
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
