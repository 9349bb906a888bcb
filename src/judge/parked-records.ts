import type { DataTable } from '../db/schema-current';
import type { DeviceView, ParkedRow } from './device-reader';
import type { AddViolation } from './verdict';

/**
 * Records parked in `error` after the final heal. The heal tapped Retry once; a record still
 * parked failed again. One the scenario expects (its `expect.parked`) is rightly parked: the
 * device keeps it, unsent, until the user fixes it — so `drained` does not count its queue row
 * and `converged` does not compare it on that device. Any other parked record is a `drained`
 * violation that says why it is parked (its error's code and message).
 */
export function checkParked(
  device: { key: string; parked: ParkedRow[] },
  named: (row: ParkedRow) => boolean,
  label: (table: DataTable, id: string) => string | null,
  add: AddViolation,
): void {
  for (const row of device.parked) {
    if (rightlyParked(row, named)) continue;
    const error = `${row.code ? `${row.code}: ` : ''}${row.message}`;
    add({
      invariant: 'drained',
      record: `${row.table}/${row.id}`,
      device: device.key,
      step: label(row.table, row.id),
      detail: named(row)
        ? `parked in error once its ${row.attempts} attempts ran out (${error}): a failure that retrying could cure, not a rightly parked record`
        : `parked in error after the heal's Retry (${error}), and the scenario does not expect it`,
    });
  }
}

/**
 * The app's retry policy parks a retryable failure at this attempt (src/sync/retry-handler.ts,
 * APP_RETRY_POLICY; the judge keeps its own copy, test/judge/judge-copies.test.ts): a row parked
 * before it failed for good at once.
 */
export const MAX_ATTEMPTS = 5;

/** Named by the expectations, and parked by a permanent error (before its attempts ran out). */
export function rightlyParked(row: ParkedRow, named: (row: ParkedRow) => boolean): boolean {
  return row.attempts < MAX_ATTEMPTS && named(row);
}

/**
 * The device as the general invariants see it once its parked records are judged on their own
 * (each one is excused, or reported above with its message, once): its queue without the parked
 * rows, and its records without the parked ones (they may differ from the server, or be missing
 * from it; `converged` would only say again what `checkParked` said).
 */
export function withoutParked(view: DeviceView, parked: ParkedRow[]): DeviceView {
  const excused = new Set(parked.map((r) => `${r.table}/${r.id}`));
  return {
    deviceId: view.deviceId,
    rows: async (table) =>
      (await view.rows(table)).filter((row) => !excused.has(`${table}/${row.id as string}`)),
    queued: async () => (await view.queued()) - parked.length,
    mayLack: (table, id, server) =>
      excused.has(`${table}/${id}`) || (view.mayLack?.(table, id, server) ?? false),
    parked: async () => parked,
  };
}
