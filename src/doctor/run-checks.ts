import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findFirestoreEmulator, notFoundMessage } from '../emulators/find-firestore-emulator';
import { type FirebaseConfig, readFirebaseConfig } from '../emulators/firebase-config';
import { findFreePort } from '../emulators/free-port';
import { readLiveRegistration } from '../emulators/registration';
import { savedStateDir } from '../emulators/saved-state';
import { locateStorageRulesRuntime } from '../emulators/storage-rules-runtime';
import { lookForChromium } from './find-chromium';
import {
  type Check,
  diskCheck,
  emulatorVariableCheck,
  firebaseConfigCheck,
  javaCheck,
  nodeCheck,
} from './verdicts';

/**
 * `doctor`'s probes: each looks at one thing the tool needs on this machine and never changes
 * anything but a scratch file in the data directory (removed at once). The verdicts are in
 * ./verdicts.ts; here only the looking.
 */
export async function runChecks(options: {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Where firebase.json is looked for (from here up). */
  cwd?: string;
}): Promise<Check[]> {
  const env = options.env ?? process.env;
  const checks: Check[] = [nodeCheck(process.versions.node)];
  checks.push(javaCheck(javaVersionOutput()));
  checks.push(firestoreEmulatorCheck(env));
  checks.push(moduleCheck('storage emulator', 'firebase-tools/lib/emulator/storage'));
  checks.push(storageRulesCheck(env));
  checks.push(sqliteCheck());
  checks.push(moduleCheck('client SDK', 'firebase/firestore'));
  checks.push(chromiumCheck(env));
  checks.push(await loopbackPortCheck());
  checks.push(firebaseConfigCheck(firebaseConfigOrError(options.cwd ?? process.cwd())));
  checks.push(...dataDirChecks(options.dataDir));
  for (const name of [
    'FIRESTORE_EMULATOR_HOST',
    'FIREBASE_STORAGE_EMULATOR_HOST',
    'STORAGE_EMULATOR_HOST',
    'FIREBASE_AUTH_EMULATOR_HOST',
  ]) {
    const check = emulatorVariableCheck(name, env[name]);
    if (check) checks.push(check);
  }
  return checks;
}

function firebaseConfigOrError(cwd: string): FirebaseConfig | { error: string } {
  try {
    return readFirebaseConfig(cwd);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function javaVersionOutput(): string | null {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.error) return null;
  return `${probe.stderr ?? ''}${probe.stdout ?? ''}`;
}

function firestoreEmulatorCheck(env: NodeJS.ProcessEnv): Check {
  const { found, searched } = findFirestoreEmulator(env);
  return found
    ? { name: 'firestore emulator', status: 'ok', detail: found.path }
    : {
        name: 'firestore emulator',
        status: 'fail',
        detail: 'not found',
        fix: notFoundMessage(searched),
      };
}

function moduleCheck(name: string, specifier: string): Check {
  try {
    const resolved = require.resolve(specifier);
    return { name, status: 'ok', detail: packageOf(resolved) };
  } catch {
    return {
      name,
      status: 'fail',
      detail: `${specifier} is not installed`,
      fix: 'Run `npm install` in the project folder.',
    };
  }
}

/** "firebase-tools 14.x" from a resolved file inside node_modules. */
function packageOf(file: string): string {
  let dir = path.dirname(file);
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name && pkg.version) return `${pkg.name} ${pkg.version}`;
    }
    dir = path.dirname(dir);
  }
  return file;
}

function storageRulesCheck(env: NodeJS.ProcessEnv): Check {
  try {
    const runtime = locateStorageRulesRuntime({ env });
    return runtime.present
      ? {
          name: 'storage rules',
          status: 'ok',
          detail: `enforced: rules runtime ${runtime.version} at ${runtime.jar}`,
        }
      : {
          name: 'storage rules',
          status: 'warn',
          detail: `open: no rules runtime at ${runtime.jar} (${runtime.from})`,
          fix: 'Storage works, but storage.rules are not evaluated and `pair --listen` off loopback needs --allow-open-storage. Put the runtime JAR there (or set STORAGE_EMULATOR_BINARY_PATH) to enforce them.',
        };
  } catch (error) {
    return {
      name: 'storage rules',
      status: 'warn',
      detail: `could not locate the rules runtime: ${(error as Error).message}`,
    };
  }
}

/** better-sqlite3 is a native module: a failed build only shows when it is opened. */
function sqliteCheck(): Check {
  try {
    const Database = require('better-sqlite3') as new (
      file: string,
    ) => {
      prepare(sql: string): { get(): { v: string } };
      close(): void;
    };
    const db = new Database(':memory:');
    const version = db.prepare('select sqlite_version() as v').get().v;
    db.close();
    return { name: 'sqlite', status: 'ok', detail: `better-sqlite3 loads (SQLite ${version})` };
  } catch (error) {
    return {
      name: 'sqlite',
      status: 'fail',
      detail: `better-sqlite3 does not load: ${(error as Error).message.split('\n')[0]}`,
      fix: 'Run `npm rebuild better-sqlite3` (needs python3, make and a C++ compiler: apt-get install build-essential python3).',
    };
  }
}

function chromiumCheck(env: NodeJS.ProcessEnv): Check {
  const found = lookForChromium(env);
  return 'path' in found
    ? { name: 'chromium', status: 'ok', detail: `${found.path} (npm test renders reports in it)` }
    : {
        name: 'chromium',
        status: 'warn',
        detail: 'not found: the CLI works; `npm test` needs it for the HTML report tests',
        fix: found.problem,
      };
}

async function loopbackPortCheck(): Promise<Check> {
  try {
    const port = await findFreePort('127.0.0.1');
    return {
      name: 'loopback ports',
      status: 'ok',
      detail: `127.0.0.1 accepts listeners (e.g. port ${port}); emulators pick free ports unless told`,
    };
  } catch (error) {
    return {
      name: 'loopback ports',
      status: 'fail',
      detail: `cannot listen on 127.0.0.1: ${(error as Error).message}`,
      fix: 'The emulators and the fault proxies listen on 127.0.0.1: check the loopback interface (ip link set lo up) and any sandbox that forbids listening.',
    };
  }
}

function dataDirChecks(dataDir: string): Check[] {
  const checks: Check[] = [];
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    const scratch = path.join(dataDir, `.doctor-${process.pid}`);
    fs.writeFileSync(scratch, 'ok');
    fs.rmSync(scratch);
    checks.push({ name: 'data directory', status: 'ok', detail: `${dataDir} is writable` });
    checks.push(diskCheck(dataDir, freeBytes(dataDir)));
  } catch (error) {
    checks.push({
      name: 'data directory',
      status: 'fail',
      detail: `${dataDir}: ${(error as Error).message}`,
      fix: 'Give --data-dir a folder you can write to (default .personalai-sync in the current folder).',
    });
    return checks;
  }
  const live = readLiveRegistration(dataDir);
  checks.push(
    live
      ? {
          name: 'emulators',
          status: 'ok',
          detail: `running for this data directory (pid ${live.pid}): Firestore ${live.firestore}, Storage ${live.storage}, project ${live.projectId}`,
        }
      : {
          name: 'emulators',
          status: 'ok',
          detail: `none running for this data directory: commands start their own, and keep the server's data in ${savedStateDir(dataDir)} between commands (\`emulators start\` keeps one running)`,
        },
  );
  return checks;
}

function freeBytes(dir: string): number {
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}
