/**
 * Which devices a step means: `all`, `alice/phone`, `phone` (when only one user has a device of
 * that name), `alice` (all of alice's devices), or a list of those. Pure; the schema check uses
 * it to reject a file whose steps name devices that do not exist.
 */
export interface Addressable {
  key: string;
}

export function resolveDeviceRefs(ref: string | string[], devices: Addressable[]): string[] {
  const refs = Array.isArray(ref) ? ref : [ref];
  const keys = new Set<string>();
  for (const one of refs) for (const key of resolveOne(one, devices)) keys.add(key);
  // Scenario order, not reference order: rounds run in the order devices were declared.
  return devices.map((d) => d.key).filter((k) => keys.has(k));
}

export class DeviceRefError extends Error {
  override name = 'DeviceRefError';
}

function resolveOne(ref: string, devices: Addressable[]): string[] {
  if (ref === 'all') return devices.map((d) => d.key);
  if (ref.includes('/')) {
    if (devices.some((d) => d.key === ref)) return [ref];
    throw new DeviceRefError(
      `no device "${ref}"; devices: ${devices.map((d) => d.key).join(', ')}`,
    );
  }
  const byDevice = devices.filter((d) => d.key.split('/')[1] === ref);
  if (byDevice.length === 1) return [byDevice[0].key];
  if (byDevice.length > 1)
    throw new DeviceRefError(
      `"${ref}" is ambiguous: ${byDevice.map((d) => d.key).join(', ')}; write user/device`,
    );
  const byUser = devices.filter((d) => d.key.split('/')[0] === ref);
  if (byUser.length > 0) return byUser.map((d) => d.key);
  throw new DeviceRefError(
    `no device or user "${ref}"; devices: ${devices.map((d) => d.key).join(', ')}`,
  );
}
