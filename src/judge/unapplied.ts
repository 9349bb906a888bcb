import type { DeviceView } from './device-reader';
import type { LedgerWrite } from './ledger';

/**
 * Documents another writer put on the server in a form the pull does not apply: the app's
 * original format (no `_server_time`: never pulled) and malformed ones (quarantined, or never
 * pulled). A device may lack them; it may hold an original-format one only once it was adopted
 * into the wire format (then `converged` compares it as any other), and never a malformed one.
 */
export function unappliedByDevices(writes: LedgerWrite[]): Map<string, 'original' | 'malformed'> {
  const last = new Map<string, LedgerWrite>();
  for (const w of writes) last.set(`${w.table}/${w.id}`, w);
  const unapplied = new Map<string, 'original' | 'malformed'>();
  for (const [key, w] of last)
    if (w.format === 'original' || w.format === 'malformed') unapplied.set(key, w.format);
  return unapplied;
}

/** The device as the general invariants should see it: allowed to lack the unapplied documents. */
export function lacking(view: DeviceView, unapplied: Map<string, string>): DeviceView {
  return {
    deviceId: view.deviceId,
    rows: (table) => view.rows(table),
    queued: () => view.queued(),
    mayLack: (table, id, server) =>
      unapplied.has(`${table}/${id}`) || (view.mayLack?.(table, id, server) ?? false),
  };
}
