import net from 'node:net';
import type { Random } from '../core/random';

/**
 * A TCP proxy on loopback in front of an emulator, through which a simulated device's real SDKs
 * connect (gRPC for Firestore, HTTP for Storage). The network it simulates can be switched
 * while running:
 *   online     bytes flow
 *   refuse     "offline": nothing listens, connections are refused; open ones are cut
 *   blackhole  a real black hole: open connections stay open and new ones are accepted, but no
 *              byte gets through either way; what was sent is held and delivered, in order, when
 *              the hole ends (a request whose client gave up still reaches the server late)
 *   blackhole with `cut`  the old, harsher one: open connections are cut when it begins, new
 *              ones are accepted and whatever they send is swallowed for good
 * Latency, bandwidth and drops are not applied here but on the device's virtual clock, per call
 * (src/simulate/virtual-link.ts): bytes flow as fast as the machine moves them, so a loaded
 * machine changes no outcome.
 */
export type NetworkMode = 'online' | 'refuse' | 'blackhole';

export interface LinkFaults {
  latencyMs: number;
  jitterMs: number;
  /** null: unlimited. */
  bytesPerSecond: number | null;
  /** Probability that a call's connection is reset (src/simulate/virtual-link.ts). */
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
  bytesUp: number;
  bytesDown: number;
  /** Bytes held by a black hole and delivered when it ended. */
  bytesDeliveredLate: number;
}

/** One direction of one connection: while the network holds, its chunks wait here, in order. */
interface Pipe {
  to: net.Socket;
  held: Buffer[];
}

export class FaultProxy {
  readonly stats: ProxyStats = {
    connections: 0,
    bytesUp: 0,
    bytesDown: 0,
    bytesDeliveredLate: 0,
  };
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly pipes = new Set<Pipe>();
  private mode: NetworkMode = 'online';
  /** A cut black hole: what connections send is dropped, not held. */
  private swallowing = false;

  private constructor(
    private readonly target: { host: string; port: number },
    readonly host: string,
    public port: number,
  ) {}

  static async start(options: {
    target: string;
    /** Unused since drops moved to the virtual link; accepted so callers need not change. */
    random?: Random;
    host?: string;
  }): Promise<FaultProxy> {
    const [targetHost, targetPort] = splitHostPort(options.target);
    const proxy = new FaultProxy(
      { host: targetHost, port: targetPort },
      options.host ?? '127.0.0.1',
      0,
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

  /** Bytes a black hole holds right now (both directions). */
  get heldBytes(): number {
    let bytes = 0;
    for (const pipe of this.pipes) for (const chunk of pipe.held) bytes += chunk.length;
    return bytes;
  }

  async setMode(mode: NetworkMode, options: { cut?: boolean } = {}): Promise<void> {
    const cut = mode === 'blackhole' && Boolean(options.cut);
    if (mode === this.mode && cut === this.swallowing) return;
    const wasSwallowing = this.swallowing;
    this.mode = mode;
    this.swallowing = cut;
    // A changed network breaks the connections that were open, except a true black hole, which
    // only stops answering (and its end, which delivers what it held).
    if (mode === 'refuse' || cut || wasSwallowing) this.cutAll();
    if (mode === 'online') this.release();
    if (mode === 'refuse') await this.unlisten();
    else if (!this.server) await this.listen();
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
    this.pipes.clear();
  }

  /** The hole ends: what it held goes on, in the order it was sent. */
  private release(): void {
    for (const pipe of this.pipes) {
      const held = pipe.held.splice(0);
      for (const chunk of held) {
        this.stats.bytesDeliveredLate += chunk.length;
        if (pipe.to.writable) pipe.to.write(chunk);
      }
    }
  }

  private accept(client: net.Socket): void {
    this.stats.connections += 1;
    this.track(client);
    if (this.swallowing) {
      client.on('data', () => {}); // swallowed; nothing ever answers
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    this.track(upstream);
    const up: Pipe = { to: upstream, held: [] };
    const down: Pipe = { to: client, held: [] };
    this.pipes.add(up);
    this.pipes.add(down);
    // A pair lives and dies together.
    client.on('close', () => {
      upstream.destroy();
      this.pipes.delete(up);
    });
    upstream.on('close', () => {
      client.destroy();
      this.pipes.delete(down);
    });
    const pipe = (from: net.Socket, into: Pipe, direction: 'bytesUp' | 'bytesDown') => {
      from.on('data', (chunk: Buffer) => {
        this.stats[direction] += chunk.length;
        if (this.swallowing) return;
        // Held while the hole lasts, and behind anything held before it: order is kept.
        if (this.mode === 'blackhole' || into.held.length > 0) into.held.push(chunk);
        else into.to.write(chunk);
      });
    };
    pipe(client, up, 'bytesUp');
    pipe(upstream, down, 'bytesDown');
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
