import { isLoopback, isWildcard } from './connection-info';

/** One address of a network interface, as `os.networkInterfaces()` lists them. */
export interface InterfaceAddress {
  address: string;
  family: string;
  internal: boolean;
}

/**
 * The address printed for a phone: `--public-host` when given; else the listen address; for a
 * wildcard listen (0.0.0.0, ::), this machine's first non-internal IPv4 address, the one a
 * phone on the same network most likely reaches (say so, the user may know better); else
 * 127.0.0.1, which a phone cannot reach (the printed hosts say so).
 */
export function choosePublicHost(input: {
  listen: string;
  publicHost?: string;
  interfaces: InterfaceAddress[];
}): { host: string; guessed: boolean } {
  if (input.publicHost) return { host: input.publicHost, guessed: false };
  if (!isWildcard(input.listen)) return { host: input.listen, guessed: false };
  const lan = input.interfaces.find(
    (i) =>
      (i.family === 'IPv4' || String(i.family) === '4') && !i.internal && !isLoopback(i.address),
  );
  return lan ? { host: lan.address, guessed: true } : { host: '127.0.0.1', guessed: false };
}
