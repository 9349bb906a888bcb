import type { DeviceHosts, PairingInfo } from '../pairing/connection-info';
import type { LatencySummary, PairEvent } from '../pairing/pair-events';
import { printable } from './output';

/** What the app needs, for a terminal: config block, hosts per kind of device, sign-in. */
export function pairingText(info: PairingInfo): string[] {
  const lines = [
    `Paired user ${info.user.uid} on project ${info.projectId}.`,
    '',
    'Firebase config (initializeApp):',
    ...JSON.stringify(info.firebaseConfig, null, 2).split('\n'),
    '',
    'Sign in (email + password, through the Auth emulator):',
    `  email     ${info.user.email}`,
    `  password  ${info.user.password}`,
    `  uid       ${info.user.uid}`,
    '',
    'Emulator hosts (connectFirestoreEmulator / connectStorageEmulator / connectAuthEmulator):',
    ...deviceLines('physical phone', info.hosts.phone),
    ...deviceLines('Android emulator', info.hosts.androidEmulator),
    ...deviceLines('iOS simulator', info.hosts.iosSimulator),
    '',
    'In the app (JS SDK; connectAuthEmulator takes a URL):',
    `  connectAuthEmulator(auth, 'http://${info.hosts.phone.auth}')`,
    `  connectFirestoreEmulator(db, '${splitHost(info.hosts.phone.firestore)}', ${portOf(info.hosts.phone.firestore)})`,
    ...(info.hosts.phone.storage
      ? [
          `  connectStorageEmulator(storage, '${splitHost(info.hosts.phone.storage)}', ${portOf(info.hosts.phone.storage)})`,
        ]
      : []),
    `  signInWithEmailAndPassword(auth, '${info.user.email}', '${info.user.password}')`,
  ];
  return lines;
}

function deviceLines(label: string, hosts: DeviceHosts): string[] {
  const reach = hosts.reachable ? '' : '  (NOT REACHABLE)';
  return [
    `  ${label}${reach}`,
    `    Firestore ${hosts.firestore}   Storage ${hosts.storage ?? '(none)'}   Auth ${hosts.auth}`,
    ...(hosts.note ? [`    ${hosts.note}`] : []),
  ];
}

function splitHost(endpoint: string): string {
  return endpoint.slice(0, endpoint.lastIndexOf(':')).replace(/^\[|\]$/g, '');
}

function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}

/** One live line: which side, what, and the commit → seen latency. */
export function pairEventLine(event: PairEvent): string {
  const arrow = event.side === 'app' ? 'app     → harness' : 'harness → app    ';
  const what = event.deleted ? 'deleted' : event.kind;
  const latency = event.latencyMs === null ? '' : `  ${event.latencyMs} ms`;
  const unseen =
    event.pullable || event.kind === 'removed' ? '' : '  NOT PULLABLE (no _server_time)';
  return `${event.seenAt.slice(11, 23)}  ${arrow}  ${event.collection}/${printable(event.id)}  ${what}  by ${printable(event.device ?? 'unknown device')}${latency}${unseen}`;
}

export function latencyLine(side: string, s: LatencySummary): string {
  if (s.events === 0) return `  ${side}: no writes seen`;
  return `  ${side}: ${s.events} write(s), commit → seen median ${s.medianMs} ms, p95 ${s.p95Ms} ms, max ${s.maxMs} ms`;
}
