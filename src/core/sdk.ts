/**
 * Which Firebase SDK a device talks through: `admin` (firebase-admin: no rules, update times,
 * write results; what a server or this tool's own writers use) or `client` (the app's own SDK,
 * firebase@12.19.0, signed in as the user, the security rules enforced: what a phone uses).
 */
export const SDKS = ['admin', 'client'] as const;
export type Sdk = (typeof SDKS)[number];

/** A fleet's choice: every device one SDK, or `mixed` (alternating, the first device admin). */
export const FLEET_SDKS = [...SDKS, 'mixed'] as const;
export type FleetSdk = (typeof FLEET_SDKS)[number];

/** The SDK of the `index`-th device (from 0) of a fleet. */
export function sdkOf(fleet: FleetSdk, index: number): Sdk {
  if (fleet !== 'mixed') return fleet;
  return index % 2 === 0 ? 'admin' : 'client';
}

export function isSdk(value: unknown): value is Sdk {
  return (SDKS as readonly unknown[]).includes(value);
}
