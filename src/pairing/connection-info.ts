import { defaultBucketName } from '../target/target';

/**
 * Everything the app needs to talk to the same emulators as the harness, signed in as the
 * harness's user: a firebase config block, where the emulators are as each kind of device sees
 * the host, and the sign-in. A pure function of where the emulators listen and which address a
 * phone reaches, so `pair` prints it and tests check it without a network.
 *
 * How each device reaches the host:
 * - a physical phone: the public host (`--public-host`), and only if the emulators listen
 *   beyond loopback (`--listen`);
 * - an Android emulator: 10.0.2.2 is its alias of the host's loopback (127.0.0.1), so it
 *   reaches emulators that listen on loopback or on every address;
 * - an iOS simulator: shares the host's network, 127.0.0.1 works.
 */
export interface EmulatorPorts {
  firestore: number;
  storage: number | null;
  auth: number;
}

export interface DeviceHosts {
  host: string;
  firestore: string;
  storage: string | null;
  auth: string;
  /** False: the emulators do not listen where this device comes from; `note` says why. */
  reachable: boolean;
  note?: string;
}

export interface PairingInfo {
  projectId: string;
  user: { uid: string; email: string; password: string };
  /** As `initializeApp()` takes it; the API key is any string for the emulators. */
  firebaseConfig: {
    apiKey: string;
    authDomain: string;
    projectId: string;
    storageBucket: string;
  };
  listen: string;
  hosts: { phone: DeviceHosts; androidEmulator: DeviceHosts; iosSimulator: DeviceHosts };
  /** For another tool on this machine (or the app's Node scripts). */
  env: Record<string, string>;
}

export const ANDROID_EMULATOR_HOST_ALIAS = '10.0.2.2';
export const EMULATOR_API_KEY = 'demo-key';

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || address === 'localhost';
}

export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/** `host:port`, bracketing an IPv6 address. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function buildPairingInfo(input: {
  projectId: string;
  user: PairingInfo['user'];
  /** The address the emulators listen on. */
  listen: string;
  /** The address a phone reaches this machine at. */
  publicHost: string;
  ports: EmulatorPorts;
}): PairingInfo {
  const { listen, ports, projectId } = input;
  const at = (host: string, reachable: boolean, note?: string): DeviceHosts => ({
    host,
    firestore: hostPort(host, ports.firestore),
    storage: ports.storage === null ? null : hostPort(host, ports.storage),
    auth: hostPort(host, ports.auth),
    reachable,
    ...(note ? { note } : {}),
  });
  const onLoopback = isLoopback(listen);
  // This machine's own address for the emulators: a wildcard listens on loopback too.
  const here = at(isWildcard(listen) ? '127.0.0.1' : listen, true);
  const androidReaches = isWildcard(listen) || listen === '127.0.0.1' || listen === 'localhost';
  return {
    projectId,
    user: input.user,
    firebaseConfig: {
      apiKey: EMULATOR_API_KEY,
      authDomain: `${projectId}.firebaseapp.com`,
      projectId,
      storageBucket: defaultBucketName(projectId),
    },
    listen,
    hosts: {
      phone: onLoopback
        ? at(
            input.publicHost,
            false,
            `the emulators listen on ${listen} only; a phone needs \`pair --listen 0.0.0.0 --public-host <this machine's LAN address>\``,
          )
        : at(input.publicHost, true),
      androidEmulator: at(
        ANDROID_EMULATOR_HOST_ALIAS,
        androidReaches,
        androidReaches
          ? undefined
          : `10.0.2.2 is the host's 127.0.0.1; the emulators listen on ${listen} only`,
      ),
      // It shares the host's network: wherever the emulators listen, it reaches them.
      iosSimulator: here,
    },
    env: {
      FIRESTORE_EMULATOR_HOST: here.firestore,
      ...(here.storage ? { FIREBASE_STORAGE_EMULATOR_HOST: here.storage } : {}),
      FIREBASE_AUTH_EMULATOR_HOST: here.auth,
      GCLOUD_PROJECT: projectId,
    },
  };
}

/**
 * What the QR code holds: the config and the phone's hosts and sign-in, compact (a QR code of a
 * few hundred bytes still scans from a terminal). The app's debug screen can parse it.
 */
export function qrPayload(info: PairingInfo): string {
  const phone = info.hosts.phone;
  return JSON.stringify({
    projectId: info.projectId,
    apiKey: info.firebaseConfig.apiKey,
    storageBucket: info.firebaseConfig.storageBucket,
    firestore: phone.firestore,
    storage: phone.storage,
    auth: phone.auth,
    email: info.user.email,
    password: info.user.password,
  });
}
