/**
 * A server version is the document's `_server_time` field: the server timestamp of the write that
 * made the current version (`serverTimestamp()`), encoded as a sortable string
 * `SSSSSSSSSSSS.NNNNNNNNN` (seconds since the epoch, 12 digits; nanoseconds, 9 digits). Both SDKs
 * can read it (the client SDK cannot read a document's `updateTime`), writes that follow one
 * another on one document get increasing stamps (a write is stamped when the server begins it,
 * after the version it replaced became visible), and the encoding round-trips exactly, which
 * matters because a push states the version it last saw as an exact compare-and-set
 * (docs/wire-format.md, "Versions"). Versions come from the server only; no device clock is ever
 * part of one.
 */
export type Version = string;

/** The earliest version there is (the epoch): older than any document's. */
export const EARLIEST_VERSION: Version = '000000000000.000000000';

export interface TimestampLike {
  seconds: number;
  nanoseconds: number;
}

export function encodeVersion(time: TimestampLike): Version {
  // 12 digits of seconds, 9 of nanoseconds: anything else would not sort or round-trip.
  if (
    !Number.isInteger(time.seconds) ||
    time.seconds < 0 ||
    time.seconds > 999_999_999_999 ||
    !Number.isInteger(time.nanoseconds) ||
    time.nanoseconds < 0 ||
    time.nanoseconds > 999_999_999
  ) {
    throw new Error(`Not a server timestamp: ${JSON.stringify(time)}`);
  }
  return `${String(time.seconds).padStart(12, '0')}.${String(time.nanoseconds).padStart(9, '0')}`;
}

export function decodeVersion(version: Version): TimestampLike {
  const match = /^(\d{12})\.(\d{9})$/.exec(version);
  if (!match) throw new Error(`Not a version: ${JSON.stringify(version)}`);
  return { seconds: Number(match[1]), nanoseconds: Number(match[2]) };
}

export function isVersion(value: unknown): value is Version {
  return typeof value === 'string' && /^\d{12}\.\d{9}$/.test(value);
}

/** True when `a` is strictly newer than `b` (null = never on the server, older than anything). */
export function isNewer(a: Version | null | undefined, b: Version | null | undefined): boolean {
  if (!a) return false;
  if (!b) return true;
  return a > b;
}

/** `version` moved back by `ms` milliseconds (0 at the floor: no version is before the epoch). */
export function versionMinus(version: Version, ms: number): Version {
  const { seconds, nanoseconds } = decodeVersion(version);
  const total = BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds) - BigInt(ms) * 1_000_000n;
  const clamped = total < 0n ? 0n : total;
  return encodeVersion({
    seconds: Number(clamped / 1_000_000_000n),
    nanoseconds: Number(clamped % 1_000_000_000n),
  });
}

/** The version one nanosecond before `version` (the last instant strictly before it). */
export function versionBefore(version: Version): Version {
  const { seconds, nanoseconds } = decodeVersion(version);
  if (nanoseconds > 0) return encodeVersion({ seconds, nanoseconds: nanoseconds - 1 });
  return seconds > 0 ? encodeVersion({ seconds: seconds - 1, nanoseconds: 999_999_999 }) : version;
}

/** The version one nanosecond after `version`. */
export function versionAfter(version: Version): Version {
  const { seconds, nanoseconds } = decodeVersion(version);
  return nanoseconds < 999_999_999
    ? encodeVersion({ seconds, nanoseconds: nanoseconds + 1 })
    : encodeVersion({ seconds: seconds + 1, nanoseconds: 0 });
}
