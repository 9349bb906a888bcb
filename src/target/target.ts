import { DEFAULT_PROJECT_ID, type EndpointSource } from '../emulators/endpoints';

/**
 * Which backend a command talks to. An **emulator** target is a project id starting with `demo-`
 * (emulators accept nothing else, and Google refuses such ids, so nothing can reach production).
 * A **production** target is a real Firebase project: an explicit `--project` id not starting with
 * `demo-`, with no emulator configured anywhere (flag, variable or a running `emulators start`).
 * Production is used only with `--allow-production`; the commands that write in bulk or delete
 * also want a confirmation (typed on a terminal, or `--yes`).
 */

/** How one command may use a production target. */
export interface TargetPolicy {
  /** `emulator-only`: the command's engine needs emulators (loopback fault proxies, fresh emulators). */
  production: 'supported' | 'emulator-only';
  /** Writes in bulk or deletes: asks for confirmation against production. */
  confirm: boolean;
  /** Opens connections to the project, so needs credentials. */
  connects: boolean;
  /** Writes nothing anywhere (said so in the target line). */
  readOnly?: boolean;
}

const local = (confirm: boolean): TargetPolicy => ({
  production: 'supported',
  confirm,
  connects: false,
});
const remote: TargetPolicy = { production: 'supported', confirm: false, connects: true };
const emulatorOnly = (confirm: boolean): TargetPolicy => ({
  production: 'emulator-only',
  confirm,
  connects: true,
});

/**
 * Every command of the CLI, by its path; `null`: the command has no target (it reads files or a
 * registration only). A test checks that every command of the program is listed here.
 */
export const COMMAND_TARGET_POLICIES = {
  // Local device databases only today; what they write or delete is that project's user data.
  seed: local(true),
  clean: local(true),
  status: { ...local(false), readOnly: true },
  'records list': { ...local(false), readOnly: true },
  'records show': { ...local(false), readOnly: true },
  // Changes a device's records as the app does; the next sync pushes them to that project.
  'records edit': local(true),
  'records delete': local(true),
  sync: remote,
  watch: remote,
  // Rewrites a user's documents on the server (into the wire format): asks first.
  adopt: { production: 'supported', confirm: true, connects: true },
  // Harness commands: devices behind loopback fault proxies speaking plaintext to an emulator,
  // or a freshly started emulator per measured run.
  run: emulatorOnly(false),
  'scenario run': emulatorOnly(true),
  'scenario fuzz': emulatorOnly(true),
  'scenario detect': emulatorOnly(true),
  bench: emulatorOnly(true),
  'emulators start': emulatorOnly(false),
  // Makes test users with the Auth emulator's owner token: there is no such thing in production.
  pair: emulatorOnly(false),
  'emulators status': null,
  'emulators stop': null,
  'scenario check': null,
  // Looks at this machine only (binaries, ports, the data directory).
  doctor: null,
  help: null,
} as const satisfies Record<string, TargetPolicy | null>;

export type TargetCommand = {
  [K in keyof typeof COMMAND_TARGET_POLICIES]: (typeof COMMAND_TARGET_POLICIES)[K] extends null
    ? never
    : K;
}[keyof typeof COMMAND_TARGET_POLICIES];

export const FIRESTORE_PRODUCTION_HOST = 'firestore.googleapis.com';
export const STORAGE_PRODUCTION_HOST = 'storage.googleapis.com';

/** The default Storage bucket of a project (newer projects may use `<id>.firebasestorage.app`). */
export function defaultBucketName(projectId: string): string {
  return `${projectId}.appspot.com`;
}

/** One place that points at an emulator, as the user would name it in a message. */
export interface EmulatorHint {
  source: Exclude<EndpointSource, 'none'>;
  /** e.g. `--firestore 127.0.0.1:8080`, `FIRESTORE_EMULATOR_HOST=127.0.0.1:8080`. */
  label: string;
}

export interface TargetInputs {
  command: string;
  policy: TargetPolicy;
  /** `--project`, when given. */
  projectId?: string;
  /** The project of a running `emulators start` in the data directory, if any. */
  registeredProjectId?: string;
  /** `.firebaserc`'s default project, when it is an emulator id (src/emulators/firebase-config.ts). */
  configuredProjectId?: string;
  /** Everything that points at an emulator (flags, variables, a registration). */
  emulators: EmulatorHint[];
  allowProduction: boolean;
  yes: boolean;
  /** stdin and stderr are a terminal: a confirmation can be asked. */
  interactive: boolean;
  /** `--bucket`, when given. */
  bucket?: string;
}

export type TargetDecision =
  | { kind: 'emulator'; projectId: string }
  | {
      kind: 'production';
      projectId: string;
      bucket: string;
      /** `prompt`: ask on the terminal; `given`: --yes; `not-needed`: the command does not ask. */
      confirmation: 'prompt' | 'given' | 'not-needed';
    }
  | { kind: 'refused'; reason: RefusalReason; message: string };

export type RefusalReason =
  | 'invalid-project-id'
  | 'invalid-bucket'
  | 'bucket-without-production'
  | 'emulator-only-command'
  | 'emulator-with-real-project-id'
  | 'production-not-allowed'
  | 'confirmation-needs-terminal';

const DEMO_PROJECT = /^demo-[a-z0-9-]{1,50}$/;
/** Firebase / Google Cloud project ids: 6–30 characters, lowercase letters, digits and hyphens. */
const REAL_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

const NOTHING_WRITTEN = 'Nothing was written.';

/** The whole decision, pure: every input is given, nothing is read or printed. */
export function decideTarget(inputs: TargetInputs): TargetDecision {
  const projectId =
    inputs.projectId ??
    inputs.registeredProjectId ??
    inputs.configuredProjectId ??
    DEFAULT_PROJECT_ID;
  const refuse = (reason: RefusalReason, message: string): TargetDecision => ({
    kind: 'refused',
    reason,
    message: `${message} ${NOTHING_WRITTEN}`,
  });

  if (projectId.startsWith('demo-')) {
    if (!DEMO_PROJECT.test(projectId))
      return refuse(
        'invalid-project-id',
        `Project id "${projectId}" is not a valid emulator project id: after "demo-" come 1 to 50 lowercase letters, digits or hyphens.`,
      );
    if (inputs.bucket !== undefined)
      return refuse(
        'bucket-without-production',
        `--bucket applies only to a real Firebase project; the emulator project "${projectId}" uses the bucket ${defaultBucketName(projectId)}.`,
      );
    return { kind: 'emulator', projectId };
  }

  // From here on the id does not start with "demo-": Google would treat it as a real project.
  if (inputs.policy.production === 'emulator-only')
    return refuse(
      'emulator-only-command',
      `Project id "${projectId}" does not start with "demo-": \`${inputs.command}\` runs only against emulators, and emulator project ids must start with "demo-" (e.g. --project demo-personalai), so that nothing can reach a real Firebase project.`,
    );
  if (inputs.emulators.length > 0)
    return refuse(
      'emulator-with-real-project-id',
      `Project id "${projectId}" does not start with "demo-", but ${listHints(inputs.emulators)} point${inputs.emulators.length === 1 ? 's' : ''} at an emulator, and emulator project ids must start with "demo-". For the emulator, use --project demo-… ; for the real project "${projectId}", remove the emulator settings (flags, FIRESTORE_EMULATOR_HOST, FIREBASE_STORAGE_EMULATOR_HOST, STORAGE_EMULATOR_HOST, or stop \`emulators start\`) and add --allow-production.`,
    );
  if (!REAL_PROJECT.test(projectId))
    return refuse(
      'invalid-project-id',
      `Project id "${projectId}" is neither an emulator project id (demo-…) nor a valid Firebase project id (6 to 30 lowercase letters, digits or hyphens, starting with a letter).`,
    );
  if (inputs.bucket !== undefined && !BUCKET.test(inputs.bucket))
    return refuse(
      'invalid-bucket',
      `--bucket "${inputs.bucket}" is not a bucket name (e.g. ${defaultBucketName(projectId)} or ${projectId}.firebasestorage.app, without gs://).`,
    );
  if (!inputs.allowProduction)
    return refuse(
      'production-not-allowed',
      `Project "${projectId}" is a real Firebase project (its id does not start with "demo-" and no emulator is configured): \`${inputs.command}\` would read and write real user data there. To use an emulator instead, give a project id starting with "demo-" (e.g. --project demo-personalai). To really use "${projectId}", add --allow-production.`,
    );
  const bucket = inputs.bucket ?? defaultBucketName(projectId);
  if (!inputs.policy.confirm)
    return { kind: 'production', projectId, bucket, confirmation: 'not-needed' };
  if (inputs.yes) return { kind: 'production', projectId, bucket, confirmation: 'given' };
  if (!inputs.interactive)
    return refuse(
      'confirmation-needs-terminal',
      `\`${inputs.command}\` against the real Firebase project "${projectId}" needs a confirmation, and there is no terminal to ask on. Run it on a terminal, or add --yes to confirm in advance.`,
    );
  return { kind: 'production', projectId, bucket, confirmation: 'prompt' };
}

function listHints(hints: EmulatorHint[]): string {
  const labels = hints.map((h) => h.label);
  return labels.length <= 1
    ? labels.join('')
    : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** The line printed on stderr before a production target is used. */
export function productionTargetLine(
  target: { projectId: string; bucket: string },
  readOnly = false,
): string {
  return `PRODUCTION: Firebase project "${target.projectId}" (Firestore ${FIRESTORE_PRODUCTION_HOST}, Storage bucket ${target.bucket}) — ${readOnly ? 'read only' : 'real user data may be written'}.`;
}
