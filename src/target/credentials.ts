import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from '../emulators/environment-error';

/**
 * Application default credentials for a production target, found the way Google's auth library
 * finds them — GOOGLE_APPLICATION_CREDENTIALS, then gcloud's well-known file — but checked here,
 * before any client exists, so that a missing or broken credential stops the command before it
 * opens a connection. The cloud metadata server (the third ADC source, on Google Cloud machines)
 * is not consulted: METADATA_SERVER_DETECTION=none stays set in every mode, so a probe can never
 * leave the machine by surprise; a key file works everywhere.
 */
export interface FoundCredentials {
  file: string;
  from: 'GOOGLE_APPLICATION_CREDENTIALS' | 'gcloud';
  type: string;
  /** A service account's own project and e-mail (absent for other credential types). */
  projectId?: string;
  clientEmail?: string;
}

const KNOWN_TYPES = new Set([
  'service_account',
  'authorized_user',
  'external_account',
  'impersonated_service_account',
]);

export function gcloudCredentialsFile(env: NodeJS.ProcessEnv, home = os.homedir()): string {
  const config =
    env.CLOUDSDK_CONFIG ??
    (process.platform === 'win32' && env.APPDATA
      ? path.join(env.APPDATA, 'gcloud')
      : path.join(home, '.config', 'gcloud'));
  return path.join(config, 'application_default_credentials.json');
}

export function findCredentials(
  projectId: string,
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): FoundCredentials {
  const howTo = `Set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file of "${projectId}" (Firebase console → Project settings → Service accounts → Generate new private key), or run \`gcloud auth application-default login\`. No connection was opened; nothing was written.`;
  const explicit = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (explicit !== undefined && explicit !== '')
    return readCredentials(explicit, 'GOOGLE_APPLICATION_CREDENTIALS', projectId, howTo);
  const wellKnown = gcloudCredentialsFile(env, home);
  if (fs.existsSync(wellKnown)) return readCredentials(wellKnown, 'gcloud', projectId, howTo);
  throw new EnvironmentError(
    `No credentials for the Firebase project "${projectId}": GOOGLE_APPLICATION_CREDENTIALS is not set and there is no ${wellKnown}. ${howTo}`,
  );
}

function readCredentials(
  file: string,
  from: FoundCredentials['from'],
  projectId: string,
  howTo: string,
): FoundCredentials {
  const where = from === 'gcloud' ? file : `GOOGLE_APPLICATION_CREDENTIALS=${file}`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder, not a key file'
          : `cannot be read (${code})`;
    throw new EnvironmentError(
      `Credentials for the Firebase project "${projectId}": ${where} ${why}. ${howTo}`,
    );
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new EnvironmentError(
      `Credentials for the Firebase project "${projectId}": ${where} is not JSON. ${howTo}`,
    );
  }
  const type = typeof parsed?.type === 'string' ? parsed.type : '';
  if (!KNOWN_TYPES.has(type))
    throw new EnvironmentError(
      `Credentials for the Firebase project "${projectId}": ${where} is not a Google credentials file (its "type" is ${type ? `"${type}"` : 'missing'}). ${howTo}`,
    );
  if (type === 'service_account' && (!parsed.private_key || !parsed.client_email))
    throw new EnvironmentError(
      `Credentials for the Firebase project "${projectId}": ${where} is a service-account file without "private_key" or "client_email". ${howTo}`,
    );
  return {
    file,
    from,
    type,
    projectId: typeof parsed.project_id === 'string' ? parsed.project_id : undefined,
    clientEmail: typeof parsed.client_email === 'string' ? parsed.client_email : undefined,
  };
}

/** What the command prints about the credentials it found (never the key itself). */
export function describeCredentials(found: FoundCredentials, projectId: string): string {
  const who = found.clientEmail ? `service account ${found.clientEmail}` : found.type;
  const other =
    found.projectId && found.projectId !== projectId
      ? ` — note: the key belongs to project "${found.projectId}", not "${projectId}"; it works only if that account was granted access to "${projectId}"`
      : '';
  return `Credentials: ${who} from ${found.from === 'gcloud' ? found.file : `GOOGLE_APPLICATION_CREDENTIALS (${found.file})`}${other}.`;
}
