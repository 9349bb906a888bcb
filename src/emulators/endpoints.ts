import { EnvironmentError } from './environment-error';
import { readLiveRegistration } from './registration';

export const DEFAULT_PROJECT_ID = 'demo-personalai';

/** Where the backends are, and who provides them. */
export interface ResolvedEndpoints {
  projectId: string;
  firestore: string | null;
  storage: string | null;
  /** The Auth emulator, for signing a phone in (only `emulators start` and `pair` start one). */
  auth: string | null;
  source: { firestore: EndpointSource; storage: EndpointSource; auth: EndpointSource };
}

export type EndpointSource = 'flag' | 'env' | 'registration' | 'firebase.json' | 'none';

export interface EndpointInputs {
  projectId?: string;
  firestoreFlag?: string;
  storageFlag?: string;
  authFlag?: string;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /**
   * From the app's firebase.json and .firebaserc (src/emulators/firebase-config.ts): its emulator
   * project id, and the emulators found answering on its configured ports. Used last.
   */
  configured?: {
    projectId?: string | null;
    firestore?: string;
    storage?: string;
    auth?: string;
  };
}

/**
 * Anything already running wins, in this order: `--firestore/--storage HOST:PORT`, the standard
 * FIRESTORE_EMULATOR_HOST / FIREBASE_STORAGE_EMULATOR_HOST (or STORAGE_EMULATOR_HOST) variables (e.g. a
 * `firebase emulators:start` the app developer runs), then a running `personalai-sync emulators
 * start` registered in the data directory, then an emulator answering on the port the app's
 * firebase.json gives it. Auth likewise: `--auth`, FIREBASE_AUTH_EMULATOR_HOST, the registration,
 * firebase.json. What is still missing is started by the caller.
 */
export function resolveEndpoints(inputs: EndpointInputs): ResolvedEndpoints {
  const env = inputs.env ?? process.env;
  const registration = readLiveRegistration(inputs.dataDir);
  const configured = inputs.configured ?? {};
  const projectId =
    inputs.projectId ?? registration?.projectId ?? configured.projectId ?? DEFAULT_PROJECT_ID;
  assertEmulatorProjectId(projectId);
  const pick = (
    flag: string | undefined,
    envValue: string | undefined,
    registered: string | undefined,
    inConfig: string | undefined,
  ): { value: string | null; source: EndpointSource } => {
    if (flag) return { value: parseHostPort(flag, 'flag'), source: 'flag' };
    if (envValue) return { value: parseHostPort(envValue, 'env'), source: 'env' };
    if (registered) return { value: registered, source: 'registration' };
    if (inConfig) return { value: inConfig, source: 'firebase.json' };
    return { value: null, source: 'none' };
  };
  const firestore = pick(
    inputs.firestoreFlag,
    env.FIRESTORE_EMULATOR_HOST,
    registration?.firestore,
    configured.firestore,
  );
  const storage = pick(
    inputs.storageFlag,
    // @google-cloud/storage's own variable is a URL (http://127.0.0.1:9199): honoured too.
    env.FIREBASE_STORAGE_EMULATOR_HOST ||
      env.STORAGE_EMULATOR_HOST?.replace(/^https?:\/\//, '').replace(/\/+$/, '') ||
      undefined,
    registration?.storage,
    configured.storage,
  );
  const auth = pick(
    inputs.authFlag,
    env.FIREBASE_AUTH_EMULATOR_HOST,
    registration?.auth,
    configured.auth,
  );
  return {
    projectId,
    firestore: firestore.value,
    storage: storage.value,
    auth: auth.value,
    source: { firestore: firestore.source, storage: storage.source, auth: auth.source },
  };
}

export class EndpointError extends Error {
  override name = 'EndpointError';
}

/** `HOST:PORT` (no scheme), as the emulator variables take it. */
export function parseHostPort(value: string, origin: 'flag' | 'env'): string {
  const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) {
    const where = origin === 'flag' ? 'The endpoint' : 'An emulator variable';
    throw new EndpointError(
      `${where} "${value}" is not HOST:PORT (e.g. 127.0.0.1:8080, no http://).`,
    );
  }
  return `${match[1]}:${port}`;
}

/** Emulator project ids start with `demo-`: no credentials, and nothing can reach production. */
export function assertEmulatorProjectId(projectId: string): void {
  if (!/^demo-[a-z0-9-]{1,50}$/.test(projectId)) {
    throw new EnvironmentError(
      `Project id "${projectId}" does not start with "demo-": emulator project ids must (e.g. --project demo-personalai), so that nothing can reach a real Firebase project.`,
    );
  }
}
