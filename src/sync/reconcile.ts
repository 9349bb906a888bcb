import type { DataTable } from '../db/schema-current';
import {
  AskUserUnavailableError,
  applyDecision,
  type Conflict,
  type ConflictOutcome,
  type ConflictStrategy,
  type DecideFn,
  type Decision,
  fieldsToPush,
  type Resolution,
  resolveConflict,
} from './conflict-resolver';
import { type Defects, hasDefect } from './defects';
import type { QueueData, QueueOperation } from './queue';
import { isNewer, type Version } from './version';
import {
  assertSoundEnvelope,
  differingFields,
  type RemoteDoc,
  readValues,
  syncedColumnNames,
  type Values,
  valuesOfRaw,
} from './wire-format';

/**
 * What to do locally with one server document, given the record and its queue row (pure, except
 * that ask-user awaits its decision function). Used by the pull (a changed document arrives) and
 * by the push (a precondition failed and the current document was read).
 */
export interface LocalState {
  raw: Record<string, unknown> | null;
  queue: { operation: QueueOperation; data: QueueData } | null;
}

export interface ConflictReport {
  collection: DataTable;
  id: string;
  fields: string[];
  strategy: ConflictStrategy;
  outcome: ConflictOutcome;
  decision?: Decision;
  phase: 'pull' | 'push';
}

export type Plan =
  /** Nothing to do: the document is this device's own echo, or the version it already has. */
  | { kind: 'none'; reason: 'echo' | 'tombstone-unknown' }
  /** Take the server's version; the record has no local changes. */
  | { kind: 'take'; values: Values; version: Version }
  /** The server deleted the record and there is nothing local to keep. */
  | { kind: 'destroy'; version: Version | null }
  /**
   * Local changes exist: the record becomes `values` (null: deleted), based on `version`, with
   * `push` left to send (null: nothing, it equals the server).
   */
  | {
      kind: 'rebase';
      values: Values | null;
      version: Version | null;
      push: { operation: QueueOperation; fields: string[]; full: boolean } | null;
      conflict: ConflictReport | null;
    };

export interface ReconcileContext {
  table: DataTable;
  deviceId: string;
  strategy: ConflictStrategy;
  decide?: DecideFn;
  phase: 'pull' | 'push';
  /** Test-only defects (defects.ts); undefined in every real use. */
  defects?: Defects;
}

/** `doc` null: the document does not exist on the server (never created, or purged). */
export async function reconcile(
  ctx: ReconcileContext,
  id: string,
  local: LocalState,
  doc: RemoteDoc | null,
): Promise<Plan> {
  const base = baseOf(local);
  const docVersion = doc?.version ?? null;
  // Defect zoo: own-echo-differs, anything this device wrote last is taken as an echo.
  if (hasDefect(ctx.defects, 'own-echo-differs') && doc && doc.device === ctx.deviceId)
    return { kind: 'none', reason: 'echo' };
  if (docVersion !== null && isEcho(local, docVersion)) return { kind: 'none', reason: 'echo' };
  if (docVersion !== null && docVersion === base) {
    // The record is based on this very version, but its queue row on an older one: a push whose
    // settling was cut short (records are marked synced before the queue rows go, in two
    // transactions). The row is stale: whatever still differs from this version goes up, based
    // on it; if nothing does, the row goes and the record is synced.
    assertSoundEnvelope(ctx.table, doc!);
    return adoptOwnWrite(ctx, local, doc!);
  }
  // Values are checked by readValues on every path that uses them, before anything is applied.
  if (doc) assertSoundEnvelope(ctx.table, doc);
  if (!local.queue) return takeServer(ctx, local, doc);
  // Defect zoo: echo-as-conflict, the own write read back (lost acknowledgement) is not recognised.
  const ownWrite = !hasDefect(ctx.defects, 'echo-as-conflict');
  if (ownWrite && doc && doc.device === ctx.deviceId && isNewer(doc.version, base))
    return adoptOwnWrite(ctx, local, doc);
  return resolveBothChanged(ctx, id, local, doc, base);
}

/**
 * Whether a document at `version` is nothing to do for this local state whatever its data: the
 * version the record (or its queue row) is based on, with no stale queue row to settle. The pull
 * skips such documents of the late-write window on their version alone (src/sync/pull.ts).
 */
export function isEcho(local: LocalState, version: Version): boolean {
  if (version !== baseOf(local)) return false;
  return !(local.raw && local.queue && local.queue.data.base !== version);
}

function baseOf(local: LocalState): Version | null {
  return (
    (local.raw?.remote_version as Version | null | undefined) ?? local.queue?.data.base ?? null
  );
}

/**
 * Defect zoo: how the app's resolver went wrong (null: no such defect on, resolve properly).
 * blind-overwrite keeps the local side; client-clock lets the later device `updated_at` win,
 * whatever the strategy; ask-user-throws is the app's "not implemented".
 */
function defectiveResolution(ctx: ReconcileContext, conflict: Conflict): Resolution | null {
  const { local, remote } = conflict;
  if (hasDefect(ctx.defects, 'blind-overwrite'))
    return { ...applyDecision(conflict, 'local'), strategy: ctx.strategy };
  if (hasDefect(ctx.defects, 'client-clock') && local.values && remote.values) {
    const later = Number(local.values.updated_at) >= Number(remote.values.updated_at);
    return { ...applyDecision(conflict, later ? 'local' : 'remote'), strategy: ctx.strategy };
  }
  if (hasDefect(ctx.defects, 'ask-user-throws') && ctx.strategy === 'ask-user')
    throw new AskUserUnavailableError('ask-user: not implemented');
  return null;
}

function takeServer(ctx: ReconcileContext, local: LocalState, doc: RemoteDoc | null): Plan {
  if (!doc || doc.deleted) {
    return local.raw
      ? { kind: 'destroy', version: doc?.version ?? null }
      : { kind: 'none', reason: 'tombstone-unknown' };
  }
  return { kind: 'take', values: readValues(ctx.table, doc), version: doc.version };
}

/**
 * The newest server version was written by this device: a push whose acknowledgement was lost
 * (its precondition held, so nobody wrote in between). It becomes the base; whatever differs
 * from it locally is pushed again. Not a conflict.
 */
function adoptOwnWrite(ctx: ReconcileContext, local: LocalState, doc: RemoteDoc): Plan {
  const remote = doc.deleted ? null : readValues(ctx.table, doc);
  if (!local.raw) {
    return remote === null
      ? { kind: 'destroy', version: doc.version }
      : {
          kind: 'rebase',
          values: null,
          version: doc.version,
          push: { operation: 'delete', fields: [], full: false },
          conflict: null,
        };
  }
  const values = valuesOfRaw(ctx.table, local.raw);
  const fields = fieldsToPush(ctx.table, values, remote);
  return {
    kind: 'rebase',
    values,
    version: doc.version,
    push: fields.length > 0 ? { operation: 'update', fields, full: remote === null } : null,
    conflict: null,
  };
}

async function resolveBothChanged(
  ctx: ReconcileContext,
  id: string,
  local: LocalState,
  doc: RemoteDoc | null,
  base: Version | null,
): Promise<Plan> {
  const remoteValues = doc && !doc.deleted ? readValues(ctx.table, doc) : null;
  const localValues = local.raw ? valuesOfRaw(ctx.table, local.raw) : null;
  const localChanged =
    localValues === null
      ? []
      : local.queue!.data.full
        ? syncedColumnNames(ctx.table)
        : local.queue!.data.fields;
  const remoteChanged = remoteValues
    ? remoteChangedFields(ctx.table, doc!, remoteValues, localValues, base)
    : [];
  const both: Conflict = {
    table: ctx.table,
    id,
    local: { values: localValues, changed: localChanged },
    remote: { values: remoteValues, changed: remoteChanged },
  };
  const resolution =
    defectiveResolution(ctx, both) ?? (await resolveConflict(both, ctx.strategy, ctx.decide));
  // Defect zoo: blind-overwrite, the local version goes up and nobody hears of a conflict.
  const silent = hasDefect(ctx.defects, 'blind-overwrite');
  const conflict: ConflictReport | null = silent
    ? null
    : {
        collection: ctx.table,
        id,
        fields: resolution.fields,
        strategy: resolution.strategy,
        outcome: resolution.outcome,
        ...(resolution.decision ? { decision: resolution.decision } : {}),
        phase: ctx.phase,
      };
  const version = doc?.version ?? null;
  if (resolution.values === null) {
    const push =
      remoteValues === null ? null : { operation: 'delete' as const, fields: [], full: false };
    return { kind: 'rebase', values: null, version, push, conflict };
  }
  const values =
    resolution.outcome === 'restored'
      ? withoutFileUrls(ctx.table, resolution.values)
      : resolution.values;
  const fields = fieldsToPush(ctx.table, values, remoteValues);
  const push =
    fields.length > 0
      ? { operation: 'update' as const, fields, full: remoteValues === null }
      : null;
  return { kind: 'rebase', values, version, push, conflict };
}

/**
 * A voice note or photo restored over a tombstone: its blobs were deleted with the tombstone, so
 * its URLs are cleared and the restoring device uploads the file again before pushing.
 */
function withoutFileUrls(table: DataTable, values: Values): Values {
  if (table === 'voice_notes') return { ...values, audio_url: null };
  if (table === 'photo_memories') return { ...values, storage_url: null, thumbnail_url: null };
  return values;
}

/** Fields the other side changed since `base`, from the server's per-field change times. */
function remoteChangedFields(
  table: DataTable,
  doc: RemoteDoc,
  remote: Values,
  local: Values | null,
  base: Version | null,
): string[] {
  if (base === null || doc.fieldTimes === undefined) {
    return local ? differingFields(table, local, remote) : syncedColumnNames(table);
  }
  return syncedColumnNames(table).filter((field) => isNewer(doc.fieldTimes[field], base));
}
