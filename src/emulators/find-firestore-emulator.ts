import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where Google's Cloud Firestore emulator can be, in the order it is looked for:
 *   1. FIRESTORE_EMULATOR_BINARY_PATH (a launcher script or a JAR)
 *   2. the gcloud component from the Debian package google-cloud-cli-firestore-emulator
 *   3. firebase-tools' download cache, ~/.cache/firebase/emulators/cloud-firestore-emulator-v*.jar
 * A launcher script is run as is; a JAR is run with `java -jar`.
 */
export interface FirestoreEmulatorBinary {
  kind: 'launcher' | 'jar';
  path: string;
}

export interface FindResult {
  found: FirestoreEmulatorBinary | null;
  /** Every place looked at, for the "not found" message. */
  searched: string[];
}

const GCLOUD_COMPONENT_PATHS = [
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator',
  '/usr/share/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator',
];

export function findFirestoreEmulator(env: NodeJS.ProcessEnv = process.env): FindResult {
  const searched: string[] = [];
  const explicit = env.FIRESTORE_EMULATOR_BINARY_PATH;
  if (explicit) {
    searched.push(`FIRESTORE_EMULATOR_BINARY_PATH=${explicit}`);
    // An explicit path that does not exist is an error, not a reason to look elsewhere.
    return { found: isFile(explicit) ? classify(explicit) : null, searched };
  }
  for (const candidate of gcloudComponentCandidates()) {
    searched.push(candidate);
    if (isFile(candidate)) return { found: classify(candidate), searched };
  }
  const cacheDir = path.join(os.homedir(), '.cache', 'firebase', 'emulators');
  searched.push(path.join(cacheDir, 'cloud-firestore-emulator-v*.jar'));
  const jar = newestCachedJar(cacheDir);
  return { found: jar ? { kind: 'jar', path: jar } : null, searched };
}

export function notFoundMessage(searched: string[]): string {
  return [
    "Google's Cloud Firestore emulator was not found. Looked in:",
    ...searched.map((place) => `  - ${place}`),
    'Install one of:',
    '  - the gcloud component: apt-get install google-cloud-cli-firestore-emulator',
    '    (or `gcloud components install cloud-firestore-emulator`)',
    '  - the firebase-tools JAR: npx firebase setup:emulators:firestore',
    'or point FIRESTORE_EMULATOR_BINARY_PATH at it, or at a running emulator with',
    'FIRESTORE_EMULATOR_HOST / --firestore HOST:PORT. There is no mock fallback.',
  ].join('\n');
}

function gcloudComponentCandidates(): string[] {
  const fromDpkg = dpkgLauncherPath();
  return fromDpkg
    ? [fromDpkg, ...GCLOUD_COMPONENT_PATHS.filter((p) => p !== fromDpkg)]
    : GCLOUD_COMPONENT_PATHS;
}

/** What `dpkg -L google-cloud-cli-firestore-emulator` lists as the launcher, if dpkg knows it. */
function dpkgLauncherPath(): string | null {
  try {
    const listing = execFileSync('dpkg', ['-L', 'google-cloud-cli-firestore-emulator'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return listing.split('\n').find((line) => line.endsWith('/cloud_firestore_emulator')) ?? null;
  } catch {
    return null;
  }
}

function newestCachedJar(dir: string): string | null {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const jars = names
    .filter((name) => /^cloud-firestore-emulator-v[\d.]+\.jar$/.test(name))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const newest = jars.at(-1);
  return newest ? path.join(dir, newest) : null;
}

function classify(file: string): FirestoreEmulatorBinary {
  return { kind: file.endsWith('.jar') ? 'jar' : 'launcher', path: file };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
