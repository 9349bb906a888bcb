import type { PulledDoc } from './remote-store';
import { EARLIEST_VERSION, encodeVersion, type TimestampLike, type Version } from './version';
import { META } from './wire-format';

/** Recognises the remote's timestamp type (firebase-admin's Timestamp) and reads it. */
export type AsTimestamp = (value: unknown) => TimestampLike | null;

/**
 * A stored document's fields as the sync engine sees them (pure: the adapter reads the snapshot,
 * this decides). Never throws: whatever is wrong with the meta fields is recorded in `malformed`
 * (by field name, never value); the pull's reconcile finds it there (assertSoundEnvelope in
 * wire-format.ts) and the pull quarantines the document. `serverTime` is null when `_server_time` is not a server timestamp; such a
 * document cannot be a pull cursor.
 */
export function decodeDocument(
  id: string,
  data: Record<string, unknown>,
  updateTime: TimestampLike | null,
  asTimestamp: AsTimestamp,
): PulledDoc {
  const problems: string[] = [];
  const {
    [META.serverTime]: rawServerTime,
    [META.device]: device,
    [META.deleted]: deleted,
    [META.fieldTimes]: rawTimes,
    ...rest
  } = data;
  const serverTime = versionOf(asTimestamp(rawServerTime));
  if (serverTime === null) problems.push(`${META.serverTime} is not a valid server timestamp`);
  if (device !== undefined && device !== null && typeof device !== 'string')
    problems.push(`${META.device} is not a string`);
  if (deleted !== undefined && typeof deleted !== 'boolean')
    problems.push(`${META.deleted} is not a boolean`);
  const fieldTimes: Record<string, Version> = {};
  if (rawTimes !== undefined && rawTimes !== null) {
    if (typeof rawTimes !== 'object' || Array.isArray(rawTimes) || asTimestamp(rawTimes)) {
      problems.push(`${META.fieldTimes} is not a map`);
    } else {
      for (const [field, time] of Object.entries(rawTimes as Record<string, unknown>)) {
        const version = versionOf(asTimestamp(time));
        if (version === null)
          problems.push(`${META.fieldTimes}.${field.slice(0, 64)} is not a valid server timestamp`);
        else fieldTimes[field] = version;
      }
    }
  }
  return {
    id,
    // The version is `_server_time` (src/sync/version.ts). A document without one is malformed
    // and never becomes a base; it gets its update time where the SDK tells it (so a change to it
    // is reported again), else the epoch.
    version: serverTime ?? versionOf(updateTime) ?? EARLIEST_VERSION,
    serverTime,
    deleted: deleted === true,
    device: typeof device === 'string' ? device : null,
    data: rest,
    fieldTimes,
    malformed: problems.length > 0 ? problems.slice(0, 3).join('; ') : null,
  };
}

/**
 * Whether a `_server_time` value puts its document in the pull's order: a server timestamp
 * from 1970 on, exactly what the pull's query (`_server_time >= 1970`) returns.
 */
export function hasPullableServerTime(value: unknown, asTimestamp: AsTimestamp): boolean {
  return versionOf(asTimestamp(value)) !== null;
}

function versionOf(time: TimestampLike | null): Version | null {
  if (!time) return null;
  try {
    return encodeVersion(time);
  } catch {
    return null; // negative seconds, or beyond the 12-digit encoding
  }
}
