/**
 * The app's record sync status flow — pending → syncing → synced | error; error → (retry) →
 * pending — enforced in one place. The app declared `syncing` and `error` but never set them;
 * every status change goes through `nextStatus`, so an impossible change fails loudly instead
 * of silently corrupting the queue.
 */

export type SyncStatus = 'pending' | 'syncing' | 'synced' | 'error';

/** A record's place in the flow: one of the statuses, or `absent` (not on this device yet). */
export type RecordState = SyncStatus | 'absent';

export type SyncEvent =
  | 'created'
  | 'edit'
  | 'push-start'
  | 'push-ok'
  | 'push-retryable-failure'
  | 'push-permanent-failure'
  | 'retry'
  | 'pulled'
  | 'rebased'
  | 'resolved';

export const SYNC_STATUSES: readonly SyncStatus[] = ['pending', 'syncing', 'synced', 'error'];
const STATUSES = SYNC_STATUSES;

/** For each event: the statuses it may start from, and where it leads. */
const RULES: Record<SyncEvent, { from: readonly RecordState[]; to: SyncStatus }> = {
  // Created on this device: it has never been on the server.
  created: { from: ['absent'], to: 'pending' },
  // A local edit always needs pushing, whatever state the record was in — including `syncing`:
  // the in-flight upload carries the old version (the app's lost-update defect), so a later
  // push-ok on the now-pending record is refused below.
  edit: { from: STATUSES, to: 'pending' },
  'push-start': { from: ['pending'], to: 'syncing' },
  'push-ok': { from: ['syncing'], to: 'synced' },
  'push-retryable-failure': { from: ['syncing'], to: 'pending' },
  'push-permanent-failure': { from: ['syncing'], to: 'error' },
  retry: { from: ['error'], to: 'pending' },
  // A remote version applied over the record, or inserted as a new record. From `pending` only
  // when conflict resolution made the local record equal to the server's; never from `syncing`,
  // where a push is in flight.
  pulled: { from: ['absent', 'synced', 'error', 'pending'], to: 'synced' },
  // Local changes reconciled with a server version (reconcile's `rebase` plan): the record is
  // based on that version and what still differs from it goes up next. From any state, and over
  // a record deleted here that the resolution restores: reconcile read the record as it is now.
  rebased: { from: [...STATUSES, 'absent'], to: 'pending' },
  // The same, when nothing is left to push: the record equals the server's version.
  resolved: { from: [...STATUSES, 'absent'], to: 'synced' },
};

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: RecordState,
    readonly event: SyncEvent,
    readonly record?: { table: string; id: string },
  ) {
    const who = record ? `Record ${record.table}/${record.id}` : 'A record';
    const allowed = RULES[event]?.from.join(' or ') ?? 'nowhere (unknown event)';
    super(`${who} cannot go from ${from} on ${event} (${event} is allowed from ${allowed})`);
    this.name = 'InvalidTransitionError';
  }
}

export function nextStatus(
  from: RecordState,
  event: SyncEvent,
  context?: { table: string; id: string },
): SyncStatus {
  const rule = RULES[event];
  if (!rule?.from.includes(from)) throw new InvalidTransitionError(from, event, context);
  return rule.to;
}

export function isSyncStatus(value: unknown): value is SyncStatus {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}
