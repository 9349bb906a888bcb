import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { NO_FAULTS } from '../../src/simulate/fault-model';
import { FaultProxy, HEALTHY_LINK } from '../../src/simulate/fault-proxy';
import { openSimulatedDevice, type SimulatedDevice } from '../../src/simulate/simulated-device';
import { testClients, testEndpoints, uniqueUserId } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The true black hole and the virtual link (src/simulate/fault-proxy.ts, virtual-link.ts): real
 * sockets, real SDKs, the real emulator; only time is virtual.
 */
describe('true black hole (fault proxy)', () => {
  let echo: net.Server | null = null;
  let proxy: FaultProxy | null = null;
  afterEach(async () => {
    await proxy?.close();
    await new Promise((resolve) => (echo ? echo.close(resolve) : resolve(undefined)));
  });

  const startEcho = async () => {
    echo = net.createServer((socket) => {
      socket.on('error', () => {}); // a cut hole resets it
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo!.listen(0, '127.0.0.1', resolve));
    const { port } = echo.address() as net.AddressInfo;
    proxy = await FaultProxy.start({ target: `127.0.0.1:${port}` });
    return proxy;
  };

  const connect = async (p: FaultProxy) => {
    const socket = net.connect(p.port, p.host);
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    let closed = false;
    socket.on('close', () => {
      closed = true;
    });
    return { socket, received: () => Buffer.concat(received).toString(), closed: () => closed };
  };

  /** Until `check` holds, or fail after `ms` (real time: sockets are real). */
  const until = async (check: () => boolean, ms = 5_000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('keeps open connections open, holds what is sent both ways, and delivers it in order when it ends', async () => {
    const p = await startEcho();
    const open = await connect(p);
    open.socket.write('before ');
    await until(() => open.received() === 'before ');
    await p.setMode('blackhole');
    open.socket.write('in ');
    open.socket.write('the hole');
    const late = await connect(p); // a connection made inside the hole is accepted and held too
    late.socket.write('new one');
    await until(() => p.heldBytes >= 'in the hole'.length + 'new one'.length);
    expect(open.received()).toBe('before ');
    expect(open.closed()).toBe(false);
    await p.setMode('online');
    await until(() => open.received() === 'before in the hole' && late.received() === 'new one');
    expect(open.closed()).toBe(false);
    expect(p.stats.bytesDeliveredLate).toBeGreaterThanOrEqual('in the hole'.length);
    open.socket.destroy();
    late.socket.destroy();
  });

  it('cut: true is the old kind: open connections are cut, and what is sent is swallowed for good', async () => {
    const p = await startEcho();
    const open = await connect(p);
    await p.setMode('blackhole', { cut: true });
    await until(() => open.closed());
    const inside = await connect(p);
    inside.socket.write('lost');
    await p.setMode('online');
    await until(() => inside.closed()); // the hole's end breaks what it swallowed
    expect(inside.received()).toBe('');
    expect(p.stats.bytesDeliveredLate).toBe(0);
  });
});

describe.each(['admin', 'client'] as const)('virtual link (%s SDK)', (sdk) => {
  const tempDir = useTempDir(`virtual-link-${sdk}-`);
  let device: SimulatedDevice | null = null;
  afterEach(async () => {
    await device?.close();
    device = null;
  });

  const open = async (clock: VirtualClock, deadlineMs: number) => {
    const e = testEndpoints();
    const userId = uniqueUserId(`vlink-${sdk}`);
    device = await openSimulatedDevice({
      dataDir: tempDir(),
      userId,
      deviceId: 'phone',
      projectId: e.projectId,
      firestore: e.firestore,
      storage: null,
      seed: 17,
      sdk,
      clock,
      strategy: 'remote-wins',
      faults: NO_FAULTS,
      link: HEALTHY_LINK,
      deadlineMs,
    });
    return device;
  };

  it('a commit sent into a black hole fails at its deadline on the device clock at once, and lands when the hole ends (the acknowledgement lost the real way)', {
    timeout: 90_000,
  }, async () => {
    const clock = new VirtualClock();
    const d = await open(clock, 90_000);
    const id = `hole-${sdk}`;
    await d.sync.store.create('text_notes', [
      { ...(await d.generator.record('text_notes', clock.now())), id, title: 'before' } as never,
    ]);
    expect((await d.sync.syncCollection('text_notes')).errors).toEqual([]);
    await d.sync.store.update('text_notes', id, { title: 'sent into the hole' } as never);
    // The tunnel begins as the push is about to send its commit.
    d.injector.duringNextPush('text_notes', () => d.network.setMode('blackhole'));
    const before = { virtual: clock.now(), wall: Date.now() };
    const inHole = await d.sync.syncCollection('text_notes');
    expect(inHole.errors.map((e) => e.code)).toEqual(['deadline-exceeded']);
    expect(String(inHole.errors[0].error)).toMatch(/got no answer within 90000 ms/);
    // Every attempt waited its 90 s on the device's clock, and none on the wall.
    expect(d.link.counts.blackHoleDeadlines).toBeGreaterThanOrEqual(1);
    expect(clock.now() - before.virtual).toBeGreaterThanOrEqual(
      d.link.counts.blackHoleDeadlines * 90_000,
    );
    expect(Date.now() - before.wall).toBeLessThan(60_000);
    expect(d.link.unsettled).toBeGreaterThan(0);

    const server = testClients(`vlink-read-${sdk}`);
    try {
      const read = async () =>
        (await server.firestore.collection('text_notes').doc(id).get()).get('title');
      expect(await read()).toBe('before'); // held, not lost
      await d.network.setMode('online');
      expect(await d.link.settle(30_000)).toBe(0);
      expect(await read()).toBe('sent into the hole'); // landed late
      // The device still believes it unsent; its next pass recognises its own write.
      expect((await d.sync.getStatus()).pendingCount).toBeGreaterThan(0);
      const after = await d.sync.syncCollection('text_notes');
      expect(after.errors).toEqual([]);
      expect((await d.sync.getStatus()).pendingCount).toBe(0);
      expect(await read()).toBe('sent into the hole');
    } finally {
      await server.close();
    }
  });

  it('a call on a refused link fails at once as refused, on the device clock, without waiting for the socket library to give up', {
    timeout: 60_000,
  }, async () => {
    const clock = new VirtualClock();
    const d = await open(clock, 90_000);
    const id = `refused-${sdk}`;
    await d.sync.store.create('text_notes', [
      { ...(await d.generator.record('text_notes', clock.now())), id, title: 'kept' } as never,
    ]);
    d.network.setFaults({ latencyMs: 40, jitterMs: 0, bytesPerSecond: null, dropRate: 0 });
    // Refused as the push is about to send its commit (a device offline from the start skips sync).
    d.injector.duringNextPush('text_notes', () => d.network.setMode('refuse'));
    const wall = Date.now();
    const refused = await d.sync.syncCollection('text_notes');
    // firebase-admin's channel used to retry a refused connection until the 60 s safety bound
    // (EMULATOR_NOT_ANSWERING): five of those made one soak run take 5 minutes.
    expect(Date.now() - wall).toBeLessThan(10_000);
    expect(refused.errors.length).toBeGreaterThan(0);
    expect(String(refused.errors[0].error)).toMatch(/connection refused|connection was cut/);
    expect(d.link.counts.emulatorStalls).toBe(0);
    expect((await d.sync.getStatus()).pendingCount).toBe(1); // nothing lost: still queued
    await d.network.setMode('online');
    await d.link.settle(30_000);
    // The failed push backs off on the device's clock; the SDK's channel may also fail its first
    // call after a cut (a real reconnect). Both heal by retrying later.
    for (let pass = 0; pass < 3 && (await d.sync.getStatus()).pendingCount > 0; pass++) {
      clock.advance(10 * 60_000);
      await d.sync.syncCollection('text_notes');
    }
    expect((await d.sync.getStatus()).pendingCount).toBe(0);
    const server = testClients(`vlink-refused-${sdk}`);
    try {
      const doc = await server.firestore.collection('text_notes').doc(id).get();
      expect(doc.get('title')).toBe('kept');
    } finally {
      await server.close();
    }
  });

  it('a healthy call never expires by real slowness, and latency and bandwidth are charged to the device clock', {
    timeout: 60_000,
  }, async () => {
    const clock = new VirtualClock();
    const d = await open(clock, 1);
    // A 1 ms deadline would fail every real call if it were real time.
    d.network.setFaults({ latencyMs: 250, jitterMs: 0, bytesPerSecond: 1000, dropRate: 0 });
    await d.sync.store.create('text_notes', [
      {
        ...(await d.generator.record('text_notes', clock.now())),
        id: `slow-${sdk}`,
        title: 'x',
      } as never,
    ]);
    const before = clock.now();
    expect((await d.sync.syncCollection('text_notes')).errors).toEqual([]);
    // A pull, a commit and a progress report at least, 250 ms each.
    expect(clock.now() - before).toBeGreaterThanOrEqual(3 * 250);
    // 4,000 characters through 1 kB/s: the commit alone takes four seconds of the device's time.
    await d.sync.store.update('text_notes', `slow-${sdk}`, { content: 'y'.repeat(4000) } as never);
    const beforeBig = clock.now();
    expect((await d.sync.syncCollection('text_notes')).errors).toEqual([]);
    expect(clock.now() - beforeBig).toBeGreaterThanOrEqual(3 * 250 + 4000);
    expect(d.link.counts).toEqual({ blackHoleDeadlines: 0, drops: 0, emulatorStalls: 0 });
  });
});
