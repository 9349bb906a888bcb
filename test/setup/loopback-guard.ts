import net from 'node:net';

/**
 * Fails any connection attempt that would leave loopback (the emulator mode promise: nothing
 * reaches Google, in particular not the cloud metadata server firebase-admin likes to probe).
 * Installed in the vitest main process (global setup) and in every worker (setup file).
 */
export const violations: string[] = [];

const LOOPBACK_NAMES = new Set(['localhost', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']);

export function isLoopback(host: string | undefined): boolean {
  if (host === undefined || host === '') return true; // Node's default is localhost
  const bare = host.replace(/^\[|\]$/g, '');
  return (
    LOOPBACK_NAMES.has(bare) || /^127\.\d+\.\d+\.\d+$/.test(bare) || /^::ffff:127\./.test(bare)
  );
}

let installed = false;

export function installLoopbackGuard(): void {
  if (installed) return;
  installed = true;
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = describeTarget(args);
    if (target && !target.unix && !isLoopback(target.host)) {
      const message = `loopback guard: blocked a connection to ${target.host}:${target.port}`;
      violations.push(message);
      throw new Error(message);
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
}

function describeTarget(args: unknown[]): { host?: string; port?: unknown; unix: boolean } | null {
  // Node normalizes connect() arguments into [options, callback] internally.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; port?: unknown; path?: string };
    if (options.path) return { unix: true };
    return { host: options.host, port: options.port, unix: false };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first, unix: false };
  }
  if (typeof first === 'string') return { unix: true }; // a path
  return null;
}
