import fs from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from './environment-error';

/**
 * The app's own Firebase project files, as firebase-tools reads them: `firebase.json` (the
 * emulators' ports) in the current folder or the nearest one above it, and `.firebaserc` beside
 * it (the default project). Honoured so that, run inside the app's repository,
 *   - `emulators start` listens where the app already connects (its configured ports);
 *   - a command attaches to a `firebase emulators:start` answering on those ports, instead of
 *     starting emulators of its own the app never sees;
 *   - the project id is the app's, when it is an emulator one (`demo-…`).
 * A real project id in `.firebaserc` is not used (emulator ids must start with demo-, so that
 * nothing can reach production) and is said where it matters (`doctor`, `emulators start`).
 */
export type ConfiguredEmulator = 'firestore' | 'storage' | 'auth';

export interface FirebaseConfig {
  /** The firebase.json read (absolute), or null when there is none. */
  file: string | null;
  /** `HOST:PORT` to connect to, per emulator with a port in firebase.json. */
  emulators: Partial<Record<ConfiguredEmulator, string>>;
  /** Ports to listen on (`emulators start`), per emulator. */
  ports: Partial<Record<ConfiguredEmulator, number>>;
  /** `.firebaserc`'s default project when it is an emulator id, and the file it came from. */
  projectId: string | null;
  rcFile: string | null;
  /** What was found and not used, each with why (for doctor and `emulators start`). */
  ignored: string[];
}

export const NO_FIREBASE_CONFIG: FirebaseConfig = {
  file: null,
  emulators: {},
  ports: {},
  projectId: null,
  rcFile: null,
  ignored: [],
};

const EMULATORS: ConfiguredEmulator[] = ['firestore', 'storage', 'auth'];
/** Hosts firebase.json may name that are this machine; 0.0.0.0 and :: are reached on loopback. */
const LOOPBACK: Record<string, string> = {
  '127.0.0.1': '127.0.0.1',
  localhost: '127.0.0.1',
  '0.0.0.0': '127.0.0.1',
  '::1': '[::1]',
  '::': '[::1]',
  '[::1]': '[::1]',
};

/** The nearest firebase.json from `cwd` up, as firebase-tools finds its project root. */
export function findFirebaseJson(cwd: string): string | null {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'firebase.json');
    if (fs.existsSync(file)) return file;
    if (path.dirname(dir) === dir) return null;
  }
}

/** Reads the project's firebase.json and .firebaserc (none: nothing configured). */
export function readFirebaseConfig(cwd: string = process.cwd()): FirebaseConfig {
  const file = findFirebaseJson(cwd);
  if (!file) return NO_FIREBASE_CONFIG;
  const rcFile = path.join(path.dirname(file), '.firebaserc');
  const rc = fs.existsSync(rcFile) ? readJson(rcFile) : undefined;
  return parseFirebaseConfig(file, readJson(file), rc === undefined ? null : rcFile, rc);
}

function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EnvironmentError(
      `${file} is not valid JSON (${(error as Error).message}); fix it, or run from a folder outside that project.`,
    );
  }
}

/** The pure part: what the two files' contents configure. */
export function parseFirebaseConfig(
  file: string,
  json: unknown,
  rcFile: string | null,
  rc: unknown,
): FirebaseConfig {
  const config: FirebaseConfig = {
    file,
    emulators: {},
    ports: {},
    projectId: null,
    rcFile: null,
    ignored: [],
  };
  for (const name of EMULATORS) {
    const entry = at(at(json, 'emulators'), name);
    const given = at(entry, 'port');
    if (given === undefined) continue;
    const port = Number(given);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      config.ignored.push(`emulators.${name}.port ${JSON.stringify(given)} is not a port`);
      continue;
    }
    const host = at(entry, 'host') === undefined ? '127.0.0.1' : String(at(entry, 'host'));
    const reach = LOOPBACK[host];
    if (!reach) {
      // Nothing connects off loopback: an emulator on another host is not this tool's.
      config.ignored.push(`emulators.${name}.host ${host} is not this machine's loopback`);
      continue;
    }
    config.emulators[name] = `${reach}:${port}`;
    config.ports[name] = port;
  }
  const project = at(at(rc, 'projects'), 'default');
  const projectId = typeof project === 'string' ? project : undefined;
  if (rcFile && projectId !== undefined) {
    if (/^demo-[a-z0-9-]{1,50}$/.test(projectId)) {
      config.projectId = projectId;
      config.rcFile = rcFile;
    } else
      config.ignored.push(
        `.firebaserc's default project "${projectId}" is a real project (emulator ids start with demo-: use --project demo-…)`,
      );
  }
  return config;
}

/** `value[key]` of parsed JSON, or undefined where `value` is not an object. */
function at(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
