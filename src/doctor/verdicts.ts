import type { FirebaseConfig } from '../emulators/firebase-config';
/**
 * `doctor`'s decisions, apart from the probing: what a version or a setting means, and what to
 * do about it. Pure, so each rule is tested without the machine having (or lacking) the thing.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** What was checked: "node", "java", "firestore emulator", … */
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do, for warn and fail. */
  fix?: string;
}

/** The major version of `java -version`'s output ("17.0.9", or "1.8.0_392" for Java 8). */
export function javaMajor(versionOutput: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

export function nodeCheck(version: string): Check {
  const major = Number(version.split('.')[0]);
  return major >= 20
    ? { name: 'node', status: 'ok', detail: `Node ${version}` }
    : {
        name: 'node',
        status: 'fail',
        detail: `Node ${version}`,
        fix: 'Node 20 or newer is needed: e.g. `nvm install 20`, or your package manager’s nodejs 20.',
      };
}

export function javaCheck(output: string | null): Check {
  const fix =
    'Install Java 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17), or attach to running emulators with --firestore HOST:PORT.';
  if (output === null)
    return { name: 'java', status: 'fail', detail: '`java` is not on PATH', fix };
  const major = javaMajor(output);
  if (major === null)
    return { name: 'java', status: 'warn', detail: 'could not read `java -version`', fix };
  return major >= 17
    ? { name: 'java', status: 'ok', detail: `Java ${major}` }
    : { name: 'java', status: 'fail', detail: `Java ${major} (17 or newer needed)`, fix };
}

/**
 * An emulator variable in the environment: commands attach to it instead of starting their own.
 * Off loopback it is refused outright (nothing here may leave the machine).
 */
export function emulatorVariableCheck(name: string, value: string | undefined): Check | null {
  if (value === undefined || value === '') return null;
  const host = value.replace(/^https?:\/\//, '').replace(/:\d+$/, '');
  const loopback =
    host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  return loopback
    ? {
        name: name,
        status: 'ok',
        detail: `${value}: commands attach to it instead of starting emulators`,
      }
    : {
        name: name,
        status: 'fail',
        detail: `${value} is not a loopback address`,
        fix: `Point ${name} at 127.0.0.1:PORT or unset it; this tool never connects off loopback.`,
      };
}

/** Free space where the data directory is: devices' databases and media live there. */
export function diskCheck(dir: string, freeBytes: number): Check {
  const gib = freeBytes / 2 ** 30;
  const detail = `${gib.toFixed(1)} GiB free for ${dir}`;
  if (gib >= 2) return { name: 'disk space', status: 'ok', detail };
  return {
    name: 'disk space',
    status: gib >= 0.5 ? 'warn' : 'fail',
    detail,
    fix: 'Free some space or use --data-dir on a disk with room (a 100k-record bench needs ~1 GiB).',
  };
}

/** The exit code of `doctor`: 0 when nothing failed (warnings are not failures), else 3. */
export function doctorExitCode(checks: readonly Check[]): 0 | 3 {
  return checks.some((c) => c.status === 'fail') ? 3 : 0;
}

/**
 * The app's firebase.json / .firebaserc as this tool reads them (src/emulators/firebase-config.ts):
 * fine when absent; a warning names what is in them and not used, and why.
 */
export function firebaseConfigCheck(config: FirebaseConfig | { error: string }): Check {
  const name = 'firebase config';
  if ('error' in config) return { name, status: 'fail', detail: 'unreadable', fix: config.error };
  if (!config.file)
    return { name, status: 'ok', detail: 'no firebase.json here or above (ports: free ones)' };
  const ports = Object.entries(config.ports).map(([emulator, port]) => `${emulator} ${port}`);
  const detail = `${config.file}: ${ports.length ? `ports ${ports.join(', ')}` : 'no emulator ports'}${config.projectId ? `; project ${config.projectId}` : ''}`;
  if (config.ignored.length === 0) return { name, status: 'ok', detail };
  return {
    name,
    status: 'warn',
    detail: `${detail}; not used: ${config.ignored.join('; ')}`,
    fix: 'Nothing to do unless you meant this tool to use them: it reads only loopback emulator ports and demo- project ids.',
  };
}
