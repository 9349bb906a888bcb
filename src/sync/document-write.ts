import type { PulledDoc, RemoteWrite } from './remote-store';
import type { Version } from './version';
import { META } from './wire-format';

/**
 * How one write of the engine becomes the fields a Firestore SDK sends (pure, no SDK import: the
 * SDK's special values come in as WriteSentinels). Both remotes (src/adapters/firestore-remote.ts,
 * client-remote.ts) and the app integration kit (src/app-kit/) shape documents here, so the
 * harness, the app and the rules tests all send exactly the same fields.
 */

/** The SDK's special values a write uses (firebase-admin's FieldValue, or the JS SDK's functions). */
export interface WriteSentinels {
  serverTimestamp(): unknown;
  deleteField(): unknown;
}

/** One document write as the engine sends it: a create, or an update with its precondition. */
export type DocumentWrite =
  | { kind: 'create'; id: string; data: Record<string, unknown> }
  | { kind: 'update'; id: string; data: Record<string, unknown>; expected: Version };

/**
 * The fields of one write (pure; the only place that shapes documents, so the rules test replays
 * exactly this). A create carries every value it sets and the meta fields, and no per-field times
 * (absent means "unchanged since the document was made"); an update sets its values and the
 * meta fields, removes `write.remove`, and stamps `_ft.<field>` for each changed field. Update
 * keys are field paths (`_ft.title`), as both SDKs' update() read them.
 */
export function documentWrite(
  write: RemoteWrite,
  deviceId: string,
  sentinels: WriteSentinels,
): DocumentWrite {
  const stamp = sentinels.serverTimestamp();
  const meta = {
    [META.serverTime]: stamp,
    [META.device]: deviceId,
    [META.deleted]: write.deleted,
  };
  if (write.expected === null) {
    return { kind: 'create', id: write.id, data: { ...write.set, ...meta } };
  }
  const update: Record<string, unknown> = { ...write.set, ...meta };
  for (const field of write.remove) update[field] = sentinels.deleteField();
  for (const field of write.changed) update[`${META.fieldTimes}.${field}`] = stamp;
  return { kind: 'update', id: write.id, data: update, expected: write.expected };
}

/**
 * Whether a write's assumption holds for the document as read (pure, shared by both remotes and
 * the app kit): a create wants no document; an update wants the document at exactly the version
 * it states (its `_server_time`; a document without a valid one matches no version).
 */
export function casHolds(
  write: Pick<RemoteWrite, 'expected'>,
  current: Pick<PulledDoc, 'serverTime'> | undefined,
): boolean {
  if (write.expected === null) return current === undefined;
  return (
    current !== undefined && current.serverTime !== null && current.serverTime === write.expected
  );
}
