/**
 * The defect zoo: bugs a real engineer could plausibly write, each switchable in the engine by
 * name, FOR TESTING ONLY. They exist to measure whether the harness (fuzzer, judge, invariants)
 * finds such bugs: `scenario fuzz --inject NAME`, `scenario detect` (docs/detection.md).
 *
 * Never reachable from a production target: only the scenario runner passes defects, and
 * wireDevice() refuses them unless the target is an emulator (`demo-` project). `sync`, `run` and
 * `watch` have no such flag, and there is no environment variable or global. Each hook in the
 * engine is one small branch marked `// Defect zoo:`; with no defects set (the default) every
 * hook is dead code.
 */
export const DEFECTS = {
  'push-only': {
    what: 'the pass never pulls (the app as it was: syncAll only pushes)',
    caught: 'converged (devices never receive each other’s records), deletions',
    hook: 'sync-manager.ts pullThenPush',
  },
  'lost-update': {
    what: 'a record edited while its push was in flight is marked synced anyway; the edit never goes up',
    caught: 'converged, acknowledged-writes',
    hook: 'plan-settle.ts planWritten',
  },
  'blind-overwrite': {
    what: 'when both sides changed a record, the local version silently overwrites the server’s; no conflict is reported',
    caught:
      'conflict-outcomes (two devices wrote one field, each before the other was acknowledged, both acknowledged, no conflict reported)',
    hook: 'reconcile.ts resolveBothChanged',
  },
  'client-clock': {
    what: 'conflicts are decided by the devices’ updated_at (device clocks), whatever the strategy says',
    caught: 'conflict-outcomes (with clock skew), acknowledged-writes',
    hook: 'reconcile.ts resolveBothChanged',
  },
  'deletes-never-sync': {
    what: 'a local delete destroys the record and queues nothing: no tombstone is pushed',
    caught: 'deletions, converged',
    hook: 'local-store.ts delete',
    missing:
      'a judge for writes that are never acknowledged (from reading the code, not yet traced in a run): the next pull re-reads the late-write window and brings the deleted record back, so every device converges on it alive, and the delete — never seen acknowledged — is held by no invariant (expect: every device write ends acknowledged, superseded, or overridden by a reported conflict)',
  },
  'states-never-set': {
    what: 'records are never marked `syncing` before a push, so the settle never sees them as sent unchanged',
    caught: 'drained (records stay pending forever)',
    hook: 'push.ts markSyncing',
  },
  'serial-and-slow': {
    what: 'one commit per record (batch size 1, one commit in flight): correct but slow',
    caught: 'batched-writes (a pass sent ≥2 records of a collection, each in a commit of its own)',
    hook: 'sync-manager.ts context',
  },
  'ask-user-throws': {
    what: 'the ask-user strategy throws "not implemented" instead of asking',
    caught: 'drained (the conflict never resolves), conflict-outcomes',
    hook: 'conflict-resolver.ts resolveConflict',
  },
  'late-write-race': {
    what: 'the pull checkpoint moves to the last document read, without the (read time − window) floor',
    caught: 'converged (a slow commit stamped before the checkpoint is never pulled)',
    hook: 'checkpoint.ts checkpointAfter (via pull.ts)',
    // Found by the other-writer actor: a bulk `write` commit stamped before, visible after, a pull.
  },
  'echo-as-conflict': {
    what: 'this device’s own write read back after a lost acknowledgement is treated as someone else’s: a conflict',
    caught: 'conflict-outcomes (a reported conflict on a record no other device or writer wrote)',
    hook: 'reconcile.ts reconcile',
  },
  'stale-queue-base': {
    what: 'after a pull rebases a record, its queue row keeps the old base version',
    caught:
      'drained (each push is refused, recognised as a stale row, rebased — on the old base again), conflict-outcomes',
    hook: 'apply-plan.ts prepareRebase',
  },
  'settle-drops-field': {
    what: 'the settle after an edit made mid-push forgets the first field edited meanwhile',
    caught: 'converged, acknowledged-writes',
    hook: 'plan-settle.ts planWritten',
  },
  'tombstone-purged-early': {
    what: 'the device reports its pull progress a late-write window past its checkpoint (the floor’s lag “corrected”), so the purge job may remove tombstones it has not pulled',
    caught: 'deletions, converged (a device keeps a record deleted elsewhere)',
    hook: 'sync-manager.ts reportProgress',
    missing:
      'a tombstone stamped before a device’s pull read and visible after it (a slow bulk commit of deletes, as the other writer’s bulk creates are for the late-write race): the claimed progress is only the read time, so a delete already visible at the read is pulled, and the `purge` step (and its actor) purge nothing early',
  },
  'checkpoint-before-apply': {
    what: 'the pull saves its checkpoint before applying the page, so a crash in between skips the page',
    caught:
      'converged (a crash between the save and the page’s transaction loses the page for good)',
    hook: 'pull.ts pullCollection',
    missing:
      'a crash between the checkpoint save and the page’s transaction: the `after-pull` crash point stops the pull before the page reaches the engine, so the early checkpoint is never saved (steps: crash points inside the pull’s SQLite transaction, or by SIGKILL mid-pull)',
  },
  'cleanup-deletes-unsynced': {
    what: 'the retention cleanup deletes old sensor records whatever their sync status, pending ones included',
    caught:
      'acknowledged-writes (a write never acknowledged, replaced by nothing, not on the server), found by the retention actor (offline for hours, cleanup, online)',
    hook: 'files/storage-manager.ts clearOldData',
  },
  'own-echo-differs': {
    what: 'any document last written by this device is taken as an echo, even when its content differs from the record',
    caught: 'drained, converged (a lost acknowledgement leaves the record stuck)',
    hook: 'reconcile.ts reconcile',
  },
} as const satisfies Record<string, DefectInfo>;

export interface DefectInfo {
  /** One line: what goes wrong. */
  what: string;
  /** Which invariant(s) should catch it. */
  caught: string;
  /** Where its hook is. */
  hook: string;
  /** Why the fuzzer may not find it: which generator would be needed. */
  missing?: string;
}

export type DefectName = keyof typeof DEFECTS;
export const DEFECT_NAMES = Object.keys(DEFECTS) as DefectName[];

/** The engine's view: a set of switched-on defects, or none. */
export type Defects = ReadonlySet<DefectName> | undefined;

export function hasDefect(defects: Defects, name: DefectName): boolean {
  return defects?.has(name) === true;
}

/** Parses defect names (CLI, tests); an unknown name is a clear error listing the zoo. */
export function parseDefectNames(names: readonly string[]): DefectName[] {
  const unknown = names.filter((n) => !(n in DEFECTS));
  if (unknown.length > 0)
    throw new UnknownDefectError(
      `Unknown defect${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}. The zoo has: ${DEFECT_NAMES.join(', ')}.`,
    );
  return [...new Set(names)] as DefectName[];
}

export class UnknownDefectError extends Error {
  override name = 'UnknownDefectError';
}

/** Defects may only run against emulators: their project ids start with `demo-`. */
export function assertDefectsAllowed(
  defects: Defects,
  target: { kind?: string; projectId: string },
): void {
  if (!defects || defects.size === 0) return;
  if (target.kind === 'production' || !target.projectId.startsWith('demo-'))
    throw new Error(
      `Refusing to wire a device with test defects (${[...defects].join(', ')}) against project "${target.projectId}": defects are for emulator (demo-) projects only.`,
    );
}
