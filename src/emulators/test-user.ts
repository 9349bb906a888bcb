import { randomBytes } from 'node:crypto';
import { EnvironmentError } from './environment-error';

/**
 * A test user on an Auth emulator, made through the emulator's REST API with its owner token
 * (`Authorization: Bearer owner`, accepted by the emulator only): the user's id is the harness's
 * user id, so the app signed in with the e-mail and password below writes the documents the
 * harness's devices of that user pull (firestore.rules: `user_id == request.auth.uid`).
 *
 * Making it again (a second `pair`) keeps the id and sets the e-mail and password anew.
 */
export interface TestUser {
  uid: string;
  email: string;
  password: string;
  /** True: the emulator had no such user before. */
  created: boolean;
}

export class AuthEmulatorError extends Error {
  override name = 'AuthEmulatorError';
}

/** The e-mail of a user id (`.test` is reserved: it never reaches anyone). */
export function testEmailFor(userId: string): string {
  return `${userId.toLowerCase()}@personalai.test`;
}

/** 16 characters, letters and digits: easy to type on a phone, enough for an emulator. */
export function newTestPassword(bytes: (n: number) => Buffer = randomBytes): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...bytes(16)].map((b) => alphabet[b % alphabet.length]).join('');
}

export async function ensureTestUser(options: {
  /** `host:port` of the Auth emulator. */
  auth: string;
  projectId: string;
  userId: string;
  password: string;
  email?: string;
  timeoutMs?: number;
}): Promise<TestUser> {
  const email = options.email ?? testEmailFor(options.userId);
  const base = `http://${options.auth}/identitytoolkit.googleapis.com/v1/projects/${encodeURIComponent(options.projectId)}`;
  const body = { localId: options.userId, email, password: options.password };
  const call = (path: string) => ownerRequest(`${base}${path}`, body, options.timeoutMs);
  const created = await call('/accounts');
  if (created.ok) return { uid: options.userId, email, password: options.password, created: true };
  if (created.message !== 'DUPLICATE_LOCAL_ID')
    throw new AuthEmulatorError(
      `The Auth emulator at ${options.auth} refused to create user ${options.userId}: ${created.message}`,
    );
  const updated = await call('/accounts:update');
  if (!updated.ok)
    throw new AuthEmulatorError(
      `The Auth emulator at ${options.auth} refused to update user ${options.userId}: ${updated.message}`,
    );
  return { uid: options.userId, email, password: options.password, created: false };
}

async function ownerRequest(
  url: string,
  body: unknown,
  timeoutMs = 10_000,
): Promise<{ ok: true } | { ok: false; message: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: 'Bearer owner', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new EnvironmentError(
      `No Auth emulator answered at ${new URL(url).host} (${(error as Error).message}); start one with \`personalai-sync emulators start\`, or leave out --auth / FIREBASE_AUTH_EMULATOR_HOST and pair starts its own.`,
    );
  }
  if (response.ok) return { ok: true };
  const text = await response.text();
  try {
    return {
      ok: false,
      message: (JSON.parse(text) as { error: { message: string } }).error.message,
    };
  } catch {
    return { ok: false, message: `HTTP ${response.status} ${text.slice(0, 200)}` };
  }
}

/** Whether an Auth emulator answers at `endpoint` (its root says `authEmulator.ready`). */
export async function isAuthEmulatorUp(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await fetch(`http://${endpoint}/`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json()) as { authEmulator?: { ready?: boolean } };
    return body.authEmulator?.ready === true;
  } catch {
    return false;
  }
}
