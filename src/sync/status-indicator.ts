/** The app's SyncStatusIndicator, as text: Offline / Syncing... / N pending / Synced. */
export function syncIndicator(state: {
  isOnline: boolean;
  isSyncing: boolean;
  pendingCount: number;
}): string {
  if (!state.isOnline) return 'Offline';
  if (state.isSyncing) return 'Syncing…';
  if (state.pendingCount > 0) return `${state.pendingCount} pending`;
  return 'Synced';
}
