import type { z } from 'zod';
import type { Expectations } from '../judge/expectations';
import { resolveDeviceRefs } from './device-refs';

/**
 * What the expectations' shape cannot say: a parked record is expected on one device that
 * exists, `writes` names devices that exist, and per-user counts name users of the scenario.
 */
export function checkExpectationRefs(
  expect: Expectations,
  path: Array<string | number>,
  devices: Array<{ key: string }>,
  users: Set<string>,
  ctx: z.RefinementCtx,
): void {
  const issue = (where: Array<string | number>, message: string) =>
    ctx.addIssue({ code: 'custom', path: [...path, ...where], message });
  for (const [i, parked] of (expect.parked ?? []).entries()) {
    try {
      const keys = resolveDeviceRefs(parked.device, devices);
      if (keys.length !== 1) issue(['parked', i, 'device'], 'a parked record is on one device');
    } catch (error) {
      issue(['parked', i, 'device'], (error as Error).message);
    }
  }
  if (expect.writes)
    try {
      resolveDeviceRefs(expect.writes.device, devices);
    } catch (error) {
      issue(['writes', 'device'], (error as Error).message);
    }
  for (const user of Object.keys(expect.userRecords ?? {}))
    if (!users.has(user)) issue(['userRecords', user], `no user "${user}"`);
}
