import { decodeDocument } from '../sync/decode-document';
import { casHolds } from '../sync/document-write';
import type { PulledDoc } from '../sync/remote-store';
import { isNewer, type Version } from '../sync/version';
import type { KitWrite } from './record-writes';
import type { KitContext, KitSdk } from './sdk';

/** The part of a document snapshot the kit reads (the JS SDK's DocumentSnapshot fits). */
export interface SnapshotLike {
  exists(): boolean;
  data(): unknown;
}

/** The part of a transaction the kit uses (the JS SDK's Transaction fits). */
export interface TransactionLike<Ref> {
  get(ref: Ref): Promise<SnapshotLike>;
  set(ref: Ref, data: Record<string, unknown>): unknown;
  update(ref: Ref, data: Record<string, unknown>): unknown;
}

export type SyncWriteOutcome =
  | { status: 'written' }
  /**
   * The document is not at the version the write assumed (another device wrote it, or it exists
   * already for a create): nothing was written. `current` is the document as read (null: none),
   * `version` its version; resolve against it and write again based on that version.
   */
  | { status: 'conflict'; current: Record<string, unknown> | null; version: Version | null };

/**
 * Compare-and-set inside the app's transaction, as the harness's client devices do it
 * (docs/wire-format.md, "Compare-and-set"): reads the document, and writes only if it is at the
 * version the write assumes (absent, for a create). The SDK conditions the commit on what the
 * transaction read and runs the function again if the document changed meanwhile, so no write
 * ever lands on a version it did not assume.
 *
 *   const outcome = await runTransaction(db, (tx) =>
 *     syncWrite(tx, doc(db, write.collection, write.id), write, sdk));
 */
export async function syncWrite<Ref>(
  transaction: TransactionLike<Ref>,
  ref: Ref,
  write: KitWrite,
  sdk: KitSdk,
): Promise<SyncWriteOutcome> {
  const snapshot = await transaction.get(ref);
  const data = snapshot.exists() ? fieldsOf(snapshot.data()) : null;
  const current = data ? decode(write.id, data, sdk) : undefined;
  if (!casHolds({ expected: write.kind === 'create' ? null : write.expected }, current)) {
    return {
      status: 'conflict',
      current: data,
      version: current?.serverTime ?? null,
    };
  }
  if (write.kind === 'create') transaction.set(ref, write.data);
  else transaction.update(ref, write.data);
  return { status: 'written' };
}

/**
 * A document's version: its `_server_time`, encoded as the harness encodes versions
 * (`SSSSSSSSSSSS.NNNNNNNNN`). Keep it with the record: the next update or delete is based on it.
 * Null when the document has no valid `_server_time` (not written through the wire format).
 */
export function versionOf(data: Record<string, unknown> | undefined, sdk: KitSdk): Version | null {
  return data ? decode('', data, sdk).serverTime : null;
}

/**
 * The version `write` made, from the document read back after the transaction committed (the
 * JS SDK's commit does not say): the document's version if it still carries this device's write
 * (its `_device` and a version newer than the one the write replaced); null when another writer
 * has written it since, in which case keep the version the write assumed and pull the newer one.
 */
export function writtenVersion(
  data: Record<string, unknown> | undefined,
  write: KitWrite,
  context: KitContext,
): Version | null {
  if (!data) return null;
  const doc = decode(write.id, data, context.sdk);
  const assumed = write.kind === 'create' ? null : write.expected;
  return doc.device === context.deviceId && isNewer(doc.serverTime, assumed)
    ? doc.serverTime
    : null;
}

function fieldsOf(data: unknown): Record<string, unknown> {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
}

function decode(id: string, data: Record<string, unknown>, sdk: KitSdk): PulledDoc {
  return decodeDocument(id, data, null, (value) =>
    value instanceof sdk.Timestamp ? (value as { seconds: number; nanoseconds: number }) : null,
  );
}
