import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from './environment-error';
import { findFreePort, isPortFree } from './free-port';
import { openStorageRefusal, type StorageRules } from './storage-exposure';
import { locateStorageRulesRuntime, type RulesRuntimeLocation } from './storage-rules-runtime';

/**
 * The Cloud Storage for Firebase emulator from `firebase-tools`, run in this process.
 *
 * Its normal launcher (`firebase emulators:start`) needs Java 21 and downloads a rules-runtime
 * JAR. So the emulator class is used directly, with blobs kept in a folder of this instance's own
 * (the class otherwise shares `$TMPDIR/firebase/storage/blobs` between every instance and deletes
 * it on stop). Rules: when a rules file is given and the runtime JAR is where firebase-tools
 * caches it (src/emulators/storage-rules-runtime.ts), the emulator evaluates storage.rules with
 * it, as `firebase emulators:start` does, and never downloads anything; otherwise every request
 * is permitted (`rules: 'open'`), and the emulator refuses to listen beyond loopback unless
 * `allowOpenStorage`. It is untyped internals of a pinned `firebase-tools` version: nothing
 * outside this file touches them.
 *
 * firebase-tools keeps running emulators in a process-wide registry (needed for upload and media
 * URLs), so one process can run one Storage emulator at a time.
 */
export interface StorageEmulatorHandle {
  host: string;
  port: number;
  /** `host:port`, the form FIREBASE_STORAGE_EMULATOR_HOST takes. */
  endpoint: string;
  blobDir: string;
  /** Whether storage.rules is evaluated (`enforced`) or every request is permitted (`open`). */
  rules: StorageRules;
  /** Where the rules runtime was looked for, and whether it was there. */
  rulesRuntime: RulesRuntimeLocation;
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** Writes every bucket and object to `dir` (firebase-tools' own export format). */
  exportTo(dir: string): Promise<void>;
  /** Loads an export made by exportTo. */
  importFrom(dir: string): void;
}

interface FirebaseToolsStorageEmulator {
  start(): Promise<void>;
  stop(): Promise<void>;
  reset(): void;
  getInfo(): { host: string; port: number };
  getName(): string;
  _rulesRuntime: { start(): Promise<void>; stop(): Promise<void> };
  rulesManager: { getRuleset(): unknown };
  storageLayer: {
    export(dir: string, options: { initiatedBy: string }): Promise<void>;
    import(dir: string, options: { initiatedBy: string }): void;
  };
}

/**
 * Without the runtime rules are not evaluated. The emulator refuses every request when it has no
 * ruleset at all, even the admin SDK's metadata call behind getDownloadURL(), so it gets one
 * that permits everything: an honest "rules off", reported as `rules: 'open'`.
 */
const permitAll = {
  verify: async () => ({ permitted: true, issues: { exist: () => false, all: [] } }),
};
const noRulesManager = {
  start: async () => [],
  stop: async () => {},
  getRuleset: () => permitAll,
};

export async function startStorageEmulator(options: {
  host: string;
  /** 0: a free port. */
  port: number;
  projectId: string;
  /** storage.rules to enforce when the rules runtime is present; without it Storage is open. */
  rulesFile?: string;
  /** Listen beyond loopback even when Storage is open (the user insisted). */
  allowOpenStorage?: boolean;
  /** Where the rules runtime is (default: where firebase-tools caches it, per the environment). */
  rulesRuntime?: RulesRuntimeLocation;
  /** How long the rules runtime may take to say it is ready. */
  rulesRuntimeTimeoutMs?: number;
}): Promise<StorageEmulatorHandle> {
  const { StorageEmulator } = require('firebase-tools/lib/emulator/storage') as {
    StorageEmulator: new (
      args: Record<string, unknown>,
    ) => { createRulesManager(rulesConfig: unknown): unknown };
  };
  const { EmulatorRegistry } = require('firebase-tools/lib/emulator/registry');
  if (EmulatorRegistry.isRunning('storage')) {
    throw new Error('A Storage emulator is already running in this process.');
  }
  const runtime = options.rulesRuntime ?? locateStorageRulesRuntime();
  const rules: StorageRules = options.rulesFile && runtime.present ? 'enforced' : 'open';
  const refusal = openStorageRefusal({
    host: options.host,
    rules,
    allowOpenStorage: options.allowOpenStorage ?? false,
    runtime,
    rulesFile: options.rulesFile,
  });
  if (refusal) throw new EnvironmentError(refusal);
  const port = options.port || (await findFreePort(options.host));
  if (!(await isPortFree(port, options.host))) {
    throw new EnvironmentError(
      `Port ${options.host}:${port} is taken; pick another, or attach to what runs there with --storage ${options.host}:${port}.`,
    );
  }
  const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'personalai-storage-'));

  class IsolatedStorageEmulator extends StorageEmulator {
    getPersistenceTmpDir(): string {
      return path.join(blobDir, 'blobs');
    }
    createRulesManager(rulesConfig: unknown) {
      if (rules === 'open') return noRulesManager;
      return super.createRulesManager(rulesConfig);
    }
  }
  const emulator = new IsolatedStorageEmulator({
    host: options.host,
    port,
    projectId: options.projectId,
    rules:
      rules === 'enforced'
        ? { name: options.rulesFile, content: fs.readFileSync(options.rulesFile!, 'utf8') }
        : [],
    auto_download: false,
  }) as unknown as FirebaseToolsStorageEmulator;
  if (rules === 'open') {
    emulator._rulesRuntime = { start: async () => {}, stop: async () => {} };
  } else {
    const real = emulator._rulesRuntime;
    real.start = () =>
      startRulesRuntime(real, runtime.jar, options.rulesRuntimeTimeoutMs ?? 60_000);
  }

  try {
    await EmulatorRegistry.start(emulator);
    if (rules === 'enforced' && !emulator.rulesManager.getRuleset()) {
      throw new EnvironmentError(
        `The Storage rules runtime ${runtime.jar} did not load ${options.rulesFile} (a syntax error? run with --verbose); refusing to run Storage that would deny everything.`,
      );
    }
  } catch (error) {
    await Promise.allSettled([EmulatorRegistry.stop('storage'), emulator._rulesRuntime.stop()]);
    fs.rmSync(blobDir, { recursive: true, force: true });
    throw error;
  }
  const { host } = emulator.getInfo();
  return {
    host,
    port,
    endpoint: `${host}:${port}`,
    blobDir,
    rules,
    rulesRuntime: runtime,
    async reset() {
      emulator.reset();
    },
    async exportTo(dir) {
      fs.mkdirSync(dir, { recursive: true });
      await emulator.storageLayer.export(dir, { initiatedBy: 'personalai-sync' });
    },
    importFrom(dir) {
      emulator.storageLayer.import(dir, { initiatedBy: 'personalai-sync' });
    },
    async stop() {
      try {
        await EmulatorRegistry.stop('storage');
      } finally {
        fs.rmSync(blobDir, { recursive: true, force: true });
      }
    },
  };
}

/** firebase-tools' StorageRulesRuntime, as far as starting it from a given JAR needs. */
interface RulesRuntimeInternals {
  start(): Promise<void>;
  _alive: boolean;
  _childprocess?: ReturnType<typeof spawn>;
  _requests: Record<number, { handler: (reply: unknown) => void; request: unknown }>;
  handleRuntimeStdout(chunk: string): void;
}

/**
 * Starts the rules runtime from `jar`, as firebase-tools' StorageRulesRuntime.start() does (same
 * command line, same handshake: the runtime's first message answers request -1), but from the
 * JAR this project located rather than a path fixed when firebase-tools loaded, never
 * downloading, and failing with a message instead of waiting forever when Java cannot run it.
 */
function startRulesRuntime(target: unknown, jar: string, timeoutMs: number): Promise<void> {
  const runtime = target as RulesRuntimeInternals;
  const child = spawn(
    'java',
    ['-Djava.security.manager=disallow', '-Duser.language=en', '-jar', jar, 'serve'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  runtime._alive = true;
  runtime._childprocess = child;
  let stderr = '';
  child.stdout?.on('data', (buf: Buffer) => runtime.handleRuntimeStdout(buf.toString('utf-8')));
  child.stderr?.on('data', (buf: Buffer) => {
    stderr = (stderr + buf.toString()).slice(-4000);
  });
  return new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new EnvironmentError(rulesRuntimeFailure(jar, why, stderr)));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    runtime._requests[-1] = {
      request: { action: '', id: -1 },
      handler: () => {
        clearTimeout(timer);
        resolve();
      },
    };
    child.once('error', (error) => fail(`could not be started (${error.message})`));
    child.once('exit', (code, signal) => {
      runtime._alive = false;
      runtime._childprocess = undefined;
      fail(`exited (${signal ?? `code ${code}`}) before it was ready`);
    });
  });
}

export function rulesRuntimeFailure(jar: string, why: string, stderr: string): string {
  const javaTooOld = /UnsupportedClassVersionError/.test(stderr)
    ? " It needs a newer Java than `java` on PATH (`java -version`); install Java 21 (firebase-tools' own minimum)."
    : '';
  const tail = stderr.trim()
    ? ` Its output: ${stderr.trim().split('\n').slice(-5).join(' | ')}`
    : '';
  return `The Storage rules runtime ${jar} ${why}.${javaTooOld} Replace the file (a fresh copy of what \`firebase setup:emulators:storage\` downloads), or remove it to run Storage without rules on loopback.${tail}`;
}
