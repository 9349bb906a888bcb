import { describe, expect, it } from 'vitest';
import { buildPairingInfo, qrPayload } from '../../src/pairing/connection-info';
import { sideOf, summarizeLatency, toPairEvent } from '../../src/pairing/pair-events';
import { choosePublicHost } from '../../src/pairing/public-host';
import { encodeVersion } from '../../src/sync/version';

const ports = { firestore: 8080, storage: 9199, auth: 9099 };
const user = { uid: 'user-1', email: 'user-1@personalai.test', password: 'pw-123456' };

describe('what pair prints for the app', () => {
  it('on loopback: the simulators reach the emulators, a phone does not, and says how to fix it', () => {
    const info = buildPairingInfo({
      projectId: 'demo-p',
      user,
      listen: '127.0.0.1',
      publicHost: '127.0.0.1',
      ports,
    });
    expect(info.firebaseConfig).toEqual({
      apiKey: 'demo-key',
      authDomain: 'demo-p.firebaseapp.com',
      projectId: 'demo-p',
      storageBucket: 'demo-p.appspot.com',
    });
    expect(info.hosts.androidEmulator).toMatchObject({
      firestore: '10.0.2.2:8080',
      storage: '10.0.2.2:9199',
      auth: '10.0.2.2:9099',
      reachable: true,
    });
    expect(info.hosts.iosSimulator).toMatchObject({ firestore: '127.0.0.1:8080', reachable: true });
    expect(info.hosts.phone.reachable).toBe(false);
    expect(info.hosts.phone.note).toMatch(/--listen 0\.0\.0\.0 --public-host/);
    expect(info.env).toEqual({
      FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080',
      FIREBASE_STORAGE_EMULATOR_HOST: '127.0.0.1:9199',
      FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099',
      GCLOUD_PROJECT: 'demo-p',
    });
  });

  it('on every address: the phone uses the public host, the simulators loopback', () => {
    const info = buildPairingInfo({
      projectId: 'demo-p',
      user,
      listen: '0.0.0.0',
      publicHost: '192.168.1.20',
      ports,
    });
    expect(info.hosts.phone).toMatchObject({ auth: '192.168.1.20:9099', reachable: true });
    expect(info.hosts.androidEmulator.reachable).toBe(true);
    expect(info.env.FIRESTORE_EMULATOR_HOST).toBe('127.0.0.1:8080');
    expect(JSON.parse(qrPayload(info))).toEqual({
      projectId: 'demo-p',
      apiKey: 'demo-key',
      storageBucket: 'demo-p.appspot.com',
      firestore: '192.168.1.20:8080',
      storage: '192.168.1.20:9199',
      auth: '192.168.1.20:9099',
      email: user.email,
      password: user.password,
    });
  });

  it('on one LAN address only: an Android emulator (10.0.2.2 is the host loopback) cannot reach it', () => {
    const info = buildPairingInfo({
      projectId: 'demo-p',
      user,
      listen: '192.168.1.20',
      publicHost: '192.168.1.20',
      ports,
    });
    expect(info.hosts.androidEmulator.reachable).toBe(false);
    expect(info.hosts.iosSimulator.firestore).toBe('192.168.1.20:8080');
    expect(info.env.FIREBASE_AUTH_EMULATOR_HOST).toBe('192.168.1.20:9099');
  });

  it('brackets IPv6 hosts', () => {
    const info = buildPairingInfo({
      projectId: 'demo-p',
      user,
      listen: '::1',
      publicHost: '::1',
      ports,
    });
    expect(info.hosts.iosSimulator.firestore).toBe('[::1]:8080');
  });
});

describe('the public host', () => {
  const interfaces = [
    { address: '127.0.0.1', family: 'IPv4', internal: true },
    { address: 'fe80::1', family: 'IPv6', internal: false },
    { address: '10.1.2.3', family: 'IPv4', internal: false },
  ];
  it('is --public-host when given, else the listen address', () => {
    expect(choosePublicHost({ listen: '0.0.0.0', publicHost: 'mac.local', interfaces })).toEqual({
      host: 'mac.local',
      guessed: false,
    });
    expect(choosePublicHost({ listen: '127.0.0.1', interfaces }).host).toBe('127.0.0.1');
  });
  it('for a wildcard listen, is guessed from the first external IPv4 interface, or loopback', () => {
    expect(choosePublicHost({ listen: '0.0.0.0', interfaces })).toEqual({
      host: '10.1.2.3',
      guessed: true,
    });
    expect(choosePublicHost({ listen: '::', interfaces: interfaces.slice(0, 2) }).host).toBe(
      '127.0.0.1',
    );
  });
});

describe('pair’s live events', () => {
  const change = (device: string | null, version: string | null) => ({
    collection: 'text_notes' as const,
    id: 'n1',
    kind: 'added' as const,
    deleted: false,
    device,
    version,
    fields: ['content'],
    pullable: true,
  });
  it('a write by a device of the data directory is the harness’s; any other writer is the app', () => {
    const harness = new Set(['device-1']);
    expect(sideOf('device-1', harness)).toBe('harness');
    expect(sideOf('phone-app', harness)).toBe('app');
    expect(sideOf(null, harness)).toBe('app');
  });
  it('latency is commit time to seen time, in ms', () => {
    const committed = encodeVersion({ seconds: 1_700_000_000, nanoseconds: 250_000_000 });
    const event = toPairEvent(change('phone-app', committed), 1_700_000_000_400, new Set());
    expect(event).toMatchObject({ side: 'app', latencyMs: 150 });
    expect(toPairEvent(change(null, null), 1, new Set()).latencyMs).toBeNull();
  });
  it('summarizes each side apart', () => {
    const at = (ms: number) => encodeVersion({ seconds: 100, nanoseconds: ms * 1_000_000 });
    const events = [10, 30, 20].map((ms) =>
      toPairEvent(change('d', at(0)), 100_000 + ms, new Set(['d'])),
    );
    expect(summarizeLatency(events)).toEqual({
      app: { events: 0, medianMs: null, p95Ms: null, maxMs: null },
      harness: { events: 3, medianMs: 20, p95Ms: 30, maxMs: 30 },
    });
  });
});
