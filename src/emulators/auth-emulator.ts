import { EnvironmentError } from './environment-error';
import { findFreePort, isPortFree } from './free-port';

/**
 * The Firebase Auth emulator from `firebase-tools`, run in this process (it is Node code: no
 * Java, no download), so that the app on a phone can sign in and the Firestore rules see a real
 * user. Its tokens are unsigned JWTs, which Google's Firestore emulator accepts as it accepts
 * `mockUserToken`: `request.auth.uid` is the signed-in user's id.
 *
 * It is untyped internals of a pinned `firebase-tools` version: nothing outside this file touches
 * them. It is started through firebase-tools' process-wide registry (its own links, e.g. in
 * e-mail action codes, read its address from there), so one process runs one Auth emulator.
 *
 * Start-up cost: building its REST router from the bundled OpenAPI spec takes 3–9 s on a loaded
 * 2-core machine; start it only where sign-in is needed.
 */
export interface AuthEmulatorHandle {
  host: string;
  port: number;
  /** `host:port`, the form FIREBASE_AUTH_EMULATOR_HOST takes. */
  endpoint: string;
  startupMs: number;
  stop(): Promise<void>;
}

interface FirebaseToolsAuthEmulator {
  getInfo(): { host: string; port: number };
}

export async function startAuthEmulator(options: {
  host: string;
  /** 0: a free port. */
  port: number;
  projectId: string;
  now?: () => number;
}): Promise<AuthEmulatorHandle> {
  const now = options.now ?? Date.now;
  const began = now();
  const { AuthEmulator, SingleProjectMode } = require('firebase-tools/lib/emulator/auth') as {
    AuthEmulator: new (args: Record<string, unknown>) => FirebaseToolsAuthEmulator;
    SingleProjectMode: { NO_WARNING: number };
  };
  const { EmulatorRegistry } = require('firebase-tools/lib/emulator/registry');
  if (EmulatorRegistry.isRunning('auth')) {
    throw new Error('An Auth emulator is already running in this process.');
  }
  const port = options.port || (await findFreePort(options.host));
  if (!(await isPortFree(port, options.host))) {
    throw new EnvironmentError(
      `Port ${options.host}:${port} is taken; pick another, or attach to what runs there with FIREBASE_AUTH_EMULATOR_HOST=${options.host}:${port}.`,
    );
  }
  const emulator = new AuthEmulator({
    host: options.host,
    port,
    projectId: options.projectId,
    // Any project id a client names gets its own users; the app and the CLI name the same one.
    singleProjectMode: SingleProjectMode.NO_WARNING,
  });
  await EmulatorRegistry.start(emulator);
  const { host } = emulator.getInfo();
  return {
    host,
    port,
    endpoint: `${host}:${port}`,
    startupMs: now() - began,
    stop: () => EmulatorRegistry.stop('auth'),
  };
}
