/**
 * Record, user and device ids become file names, document paths and Storage paths, so they are
 * checked, never escaped: letters, digits, `_`, `-`, `.` (not leading, no `..`), 1-128
 * characters. One rule for the database files, the wire format, the media paths and the
 * generated Firestore and Storage rules (which embed SAFE_ID_PATTERN).
 *
 * The scenario format's own names (src/scenario/format.ts) are a stricter, separate rule.
 */

/** The longest id: ids become document paths and file names. */
export const MAX_ID_LENGTH = 128;

/**
 * A safe id as a regular expression without anchors, in the syntax JavaScript and RE2 (the
 * rules' `matches()`) share. It does not exclude `..`: every user also checks that apart.
 */
export const SAFE_ID_PATTERN = `[A-Za-z0-9_-][A-Za-z0-9_.-]{0,${MAX_ID_LENGTH - 1}}`;

const SAFE_ID = new RegExp(`^${SAFE_ID_PATTERN}$`);

/** True for ids that may become a file name or a document path (no `/`, control characters, `..`). */
export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id) && !id.includes('..');
}

export function assertSafeId(kind: string, id: string): void {
  if (!isSafeId(id)) {
    throw new Error(
      `${kind} id ${JSON.stringify(id.slice(0, 140))} is not allowed: use 1-${MAX_ID_LENGTH} letters, digits, "_", "-" or "." (not leading, no "..").`,
    );
  }
}
