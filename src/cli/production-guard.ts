import type { FirebaseEndpoints, ProductionEndpoints } from '../adapters/firebase-clients';
import { FIREBASE_STORAGE_PUBLIC_ENDPOINT } from '../adapters/firebase-clients';
import { type BackendOptions, openBackend } from '../emulators/backend';
import { readFirebaseConfig } from '../emulators/firebase-config';
import { readLiveRegistration } from '../emulators/registration';
import { savedStateDir } from '../emulators/saved-state';
import { describeCredentials, findCredentials } from '../target/credentials';
import {
  COMMAND_TARGET_POLICIES,
  decideTarget,
  type EmulatorHint,
  FIRESTORE_PRODUCTION_HOST,
  productionTargetLine,
  type TargetCommand,
  type TargetPolicy,
} from '../target/target';
import { canPrompt } from './ask-user-prompt';
import { confirmProduction } from './confirm-production';
import { UsageError } from './errors';
import type { GlobalOptions } from './global-options';
import { configuredNotice } from './throwaway-notice';

export type Target =
  | { kind: 'emulator'; projectId: string }
  | { kind: 'production'; projectId: string; bucket: string };

export interface GuardIo {
  env: NodeJS.ProcessEnv;
  stderr: Pick<NodeJS.WritableStream, 'write'>;
  interactive: boolean;
  confirm(projectId: string, command: string): Promise<boolean>;
}

const defaultIo = (): GuardIo => ({
  env: process.env,
  stderr: process.stderr,
  interactive: canPrompt(),
  confirm: (projectId, command) => confirmProduction(projectId, command),
});

/**
 * The production guard, run by every command with a target before it writes or connects anything
 * (after its own flags are checked). A refusal is a UsageError (exit 2) that says what to do. A
 * production target is named on stderr — even with --json or --quiet — before the confirmation
 * and before anything else; a command that connects then needs credentials (EnvironmentError,
 * exit 3, before any client exists).
 */
export async function guardTarget(
  options: GlobalOptions,
  command: TargetCommand,
  io: GuardIo = defaultIo(),
): Promise<Target> {
  const policy: TargetPolicy = COMMAND_TARGET_POLICIES[command];
  const registration = readLiveRegistration(options.dataDir);
  const decision = decideTarget({
    command,
    policy,
    projectId: options.project,
    registeredProjectId: registration?.projectId,
    configuredProjectId: readFirebaseConfig().projectId ?? undefined,
    emulators: emulatorHints(options, io.env, registration),
    allowProduction: options.allowProduction,
    yes: options.yes,
    interactive: io.interactive,
    bucket: options.bucket,
  });
  if (decision.kind === 'refused') throw new UsageError(decision.message);
  if (decision.kind === 'emulator') return decision;
  const { projectId, bucket } = decision;
  io.stderr.write(`${productionTargetLine(decision, policy.readOnly === true)}\n`);
  if (decision.confirmation === 'prompt' && !(await io.confirm(projectId, command)))
    throw new UsageError(
      `Not confirmed: \`${command}\` did not run against the Firebase project "${projectId}". Nothing was written.`,
    );
  if (policy.connects) {
    const found = findCredentials(projectId, io.env);
    if (!options.json && !options.quiet)
      io.stderr.write(`${describeCredentials(found, projectId)}\n`);
  }
  return { kind: 'production', projectId, bucket };
}

function emulatorHints(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv,
  registration: ReturnType<typeof readLiveRegistration>,
): EmulatorHint[] {
  const hints: EmulatorHint[] = [];
  if (options.firestore) hints.push({ source: 'flag', label: `--firestore ${options.firestore}` });
  if (options.storage) hints.push({ source: 'flag', label: `--storage ${options.storage}` });
  for (const name of [
    'FIRESTORE_EMULATOR_HOST',
    'FIREBASE_STORAGE_EMULATOR_HOST',
    'STORAGE_EMULATOR_HOST',
  ]) {
    if (env[name]) hints.push({ source: 'env', label: `${name}=${env[name]}` });
  }
  if (registration)
    hints.push({
      source: 'registration',
      label: `the emulators running for ${options.dataDir} (\`emulators start\`, pid ${registration.pid})`,
    });
  return hints;
}

/** The backend of a target: emulators attached or started, or a real project's endpoints. */
export interface TargetBackend {
  projectId: string;
  endpoints: FirebaseEndpoints | ProductionEndpoints;
  /** Where Firestore is, for messages. */
  firestoreLabel: string;
  /** This command started Firestore itself: empty at the start, gone at the end. */
  startedFirestore: boolean;
  /** Where started emulators keep their data between commands (none: attached, or production). */
  saved: { dir: string; loaded: boolean } | null;
  /** Said on stderr when emulators were attached because firebase.json names their ports. */
  configNotice: string | null;
  hasStorage: boolean;
  /** The base of download URLs other devices can use (a real project's differs from its API). */
  publicStorageEndpoint?: string;
  stop(): Promise<void>;
}

export async function openTargetBackend(
  target: Target,
  options: GlobalOptions,
  extra: Pick<BackendOptions, 'needStorage'> & { storageTimeoutMs?: number } = {},
): Promise<TargetBackend> {
  const needStorage = extra.needStorage ?? true;
  if (target.kind === 'production') {
    return {
      projectId: target.projectId,
      endpoints: {
        kind: 'production',
        projectId: target.projectId,
        bucket: needStorage ? target.bucket : null,
        storageTimeoutMs: extra.storageTimeoutMs,
      },
      firestoreLabel: FIRESTORE_PRODUCTION_HOST,
      startedFirestore: false,
      saved: null,
      configNotice: null,
      hasStorage: needStorage,
      publicStorageEndpoint: FIREBASE_STORAGE_PUBLIC_ENDPOINT,
      stop: async () => {},
    };
  }
  const backend = await openBackend({
    dataDir: options.dataDir,
    projectId: target.projectId,
    firestoreFlag: options.firestore,
    storageFlag: options.storage,
    needStorage,
    stateDir: savedStateDir(options.dataDir),
    onEmulatorOutput: emulatorOutput(options),
  });
  return {
    projectId: backend.projectId,
    endpoints: {
      projectId: backend.projectId,
      firestore: backend.firestore,
      storage: needStorage ? backend.storage : null,
      storageTimeoutMs: extra.storageTimeoutMs,
    },
    firestoreLabel: backend.firestore,
    startedFirestore: backend.started.firestore !== null,
    saved: backend.saved,
    configNotice: configuredNotice(backend.configFile, backend.resolved),
    hasStorage: needStorage && backend.storage !== null,
    publicStorageEndpoint: pairedStorageEndpoint(options.dataDir, backend),
    stop: () => backend.stop(),
  };
}

/**
 * Attached to the emulators a `pair` started: download URLs name the address the phone reaches
 * (its --public-host), not this machine's loopback.
 */
function pairedStorageEndpoint(
  dataDir: string,
  backend: Awaited<ReturnType<typeof openBackend>>,
): string | undefined {
  const publicHost = readLiveRegistration(dataDir)?.publicHost;
  if (!publicHost || backend.resolved.source.storage !== 'registration' || !backend.storage)
    return undefined;
  const port = backend.storage.slice(backend.storage.lastIndexOf(':') + 1);
  const host = publicHost.includes(':') ? `[${publicHost}]` : publicHost;
  return `http://${host}:${port}`;
}

/** --verbose: the output of emulators a command starts itself, on stderr, marked as theirs. */
export function emulatorOutput(options: GlobalOptions): ((line: string) => void) | undefined {
  return options.verbose ? (line) => process.stderr.write(`[firestore] ${line}\n`) : undefined;
}
