/**
 * The app's SyncStatusIndicator, as text: Offline / Syncing... / N pending / Synced. Documents of
 * the user the pull cannot see (as of the last pass) are not synced either: they show as
 * "N unseen", so the indicator never says Synced while the server holds data no device gets.
 */
export function syncIndicator(state: {
  isOnline: boolean;
  isSyncing: boolean;
  pendingCount: number;
  unseenCount?: number;
}): string {
  if (!state.isOnline) return 'Offline';
  if (state.isSyncing) return 'Syncing…';
  const parts: string[] = [];
  if (state.pendingCount > 0) parts.push(`${state.pendingCount} pending`);
  if ((state.unseenCount ?? 0) > 0) parts.push(`${state.unseenCount} unseen`);
  return parts.length > 0 ? parts.join(', ') : 'Synced';
}
