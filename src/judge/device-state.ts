import type { DataTable } from '../db/schema-current';
import { LOCAL_ONLY } from './columns';
import type { DeviceView } from './device-reader';

/**
 * The devices against the server, for one table:
 *   isolation   no device holds a record of another user
 *   deletions   no record the server has tombstoned is alive on any device
 *   converged   every device holds exactly the server's live records, field for field (the
 *               local-only columns aside), unless it may lack one (its retention cleanup)
 */
export interface DeviceStateViolation {
  invariant: 'converged' | 'deletions' | 'isolation';
  device: string;
  id: string;
  detail: string;
}

export async function checkDeviceRows(
  table: DataTable,
  userId: string,
  server: { live: Map<string, Record<string, unknown>>; tombstoned: Set<string> },
  devices: DeviceView[],
  add: (violation: DeviceStateViolation) => void,
): Promise<void> {
  for (const device of devices) {
    const seen = new Set<string>();
    for (const row of await device.rows(table)) {
      const id = row.id as string;
      seen.add(id);
      const problem = rowProblem(row, userId, server);
      if (problem) add({ ...problem, device: device.deviceId, id });
    }
    for (const [id, data] of server.live)
      if (!seen.has(id) && !device.mayLack?.(table, id, data))
        add({
          invariant: 'converged',
          device: device.deviceId,
          id,
          detail: 'on the server, missing on this device',
        });
  }
}

function rowProblem(
  row: Record<string, unknown>,
  userId: string,
  server: { live: Map<string, Record<string, unknown>>; tombstoned: Set<string> },
): Pick<DeviceStateViolation, 'invariant' | 'detail'> | null {
  const id = row.id as string;
  if (row.user_id !== userId)
    return { invariant: 'isolation', detail: 'a record of another user is on this device' };
  if (server.tombstoned.has(id))
    return { invariant: 'deletions', detail: 'deleted on the server, still alive here' };
  const doc = server.live.get(id);
  if (!doc) return { invariant: 'converged', detail: 'on this device, not on the server' };
  const differing = Object.keys(row).filter(
    (column) => !LOCAL_ONLY.has(column) && !Object.is(row[column] ?? null, doc[column] ?? null),
  );
  return differing.length > 0
    ? { invariant: 'converged', detail: `differs from the server in ${differing.join(', ')}` }
    : null;
}

/** drained: no device has anything left in its sync queue. */
export async function checkDrained(
  devices: DeviceView[],
  add: (violation: { device: string; detail: string }) => void,
): Promise<void> {
  for (const device of devices) {
    const queued = await device.queued();
    if (queued > 0) add({ device: device.deviceId, detail: `${queued} change(s) still queued` });
  }
}
