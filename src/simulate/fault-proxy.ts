import net from 'node:net';
import type { Random } from '../core/random';

/**
 * A TCP proxy on loopback in front of an emulator, through which a simulated device's real SDKs
 * connect (gRPC for Firestore, HTTP for Storage). The network it simulates can be switched
 * while running:
 *   online     bytes flow (optionally delayed, throttled or flaky)
 *   refuse     "offline": nothing listens, connections are refused; open ones are cut
 *   blackhole  connections are accepted and then nothing ever comes back; open ones are cut
 * All random draws (jitter, drops) come from the injected seeded source.
 */
export type NetworkMode = 'online' | 'refuse' | 'blackhole';

export interface LinkFaults {
  latencyMs: number;
  jitterMs: number;
  /** null: unlimited. */
  bytesPerSecond: number | null;
  /** Probability that a new connection is reset at once, and (a twentieth of it) per chunk. */
  dropRate: number;
}

export const HEALTHY_LINK: LinkFaults = {
  latencyMs: 0,
  jitterMs: 0,
  bytesPerSecond: null,
  dropRate: 0,
};

export interface ProxyStats {
  connections: number;
  reset: number;
  bytesUp: number;
  bytesDown: number;
}

export class FaultProxy {
  readonly stats: ProxyStats = { connections: 0, reset: 0, bytesUp: 0, bytesDown: 0 };
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private mode: NetworkMode = 'online';
  private faults: LinkFaults = HEALTHY_LINK;

  private constructor(
    private readonly target: { host: string; port: number },
    readonly host: string,
    public port: number,
    private readonly random: Random,
  ) {}

  static async start(options: {
    target: string;
    random: Random;
    host?: string;
  }): Promise<FaultProxy> {
    const [targetHost, targetPort] = splitHostPort(options.target);
    const proxy = new FaultProxy(
      { host: targetHost, port: targetPort },
      options.host ?? '127.0.0.1',
      0,
      options.random,
    );
    await proxy.listen();
    return proxy;
  }

  get endpoint(): string {
    return `${this.host}:${this.port}`;
  }

  get currentMode(): NetworkMode {
    return this.mode;
  }

  async setMode(mode: NetworkMode): Promise<void> {
    if (mode === this.mode) return;
    this.mode = mode;
    this.cutAll(); // a changed network breaks the connections that were open
    if (mode === 'refuse') await this.unlisten();
    else if (!this.server) await this.listen();
  }

  setFaults(faults: Partial<LinkFaults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  async close(): Promise<void> {
    this.cutAll();
    await this.unlisten();
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((client) => this.accept(client));
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        const address = server.address();
        if (typeof address === 'object' && address) this.port = address.port;
        this.server = server;
        resolve();
      });
    });
  }

  private unlisten(): Promise<void> {
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private accept(client: net.Socket): void {
    this.stats.connections += 1;
    this.track(client);
    if (this.mode === 'blackhole') {
      client.on('data', () => {}); // swallowed; nothing ever answers
      return;
    }
    if (this.random() < this.faults.dropRate) {
      this.stats.reset += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    this.track(upstream);
    // A pair lives and dies together.
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const pipe = (from: net.Socket, to: net.Socket, direction: 'bytesUp' | 'bytesDown') => {
      let ready = Date.now();
      from.on('data', (chunk: Buffer) => {
        this.stats[direction] += chunk.length;
        if (this.faults.dropRate > 0 && this.random() < this.faults.dropRate / 20) {
          this.stats.reset += 1;
          client.resetAndDestroy();
          upstream.destroy();
          return;
        }
        const delay = this.faults.latencyMs + this.random() * this.faults.jitterMs;
        const transfer = this.faults.bytesPerSecond
          ? (chunk.length / this.faults.bytesPerSecond) * 1000
          : 0;
        // Order is kept: a chunk never overtakes the one before it.
        ready = Math.max(ready, Date.now() + delay) + transfer;
        const wait = ready - Date.now();
        if (wait <= 0) to.write(chunk);
        else setTimeout(() => to.writable && to.write(chunk), wait).unref();
      });
    };
    pipe(client, upstream, 'bytesUp');
    pipe(upstream, client, 'bytesDown');
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }
}

function splitHostPort(endpoint: string): [string, number] {
  const index = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, index), Number(endpoint.slice(index + 1))];
}
