/**
 * Is a failure worth retrying? A pure decision, kept apart from the retry loop so it can be
 * tested alone and reused by the sync queue (which parks permanent failures as `error`).
 *
 * Errors reach us in three shapes: Firestore / gRPC (numeric status 1–16, or a string code such
 * as 'unavailable' or 'firestore/unavailable'), Node network errors (`code: 'ECONNRESET'`), and
 * HTTP errors from Storage (numeric `code` or `status` ≥ 100).
 */

export type ErrorClass = { kind: 'retryable' | 'permanent'; code: string; message: string };

type Verdict = Pick<ErrorClass, 'kind' | 'code'>;

const MAX_MESSAGE_LENGTH = 300;

const retryable = (code: string): Verdict => ({ kind: 'retryable', code });
const permanent = (code: string): Verdict => ({ kind: 'permanent', code });

/**
 * gRPC status names (lowercase, dash-separated) and whether repeating the same request can help.
 * failed-precondition is permanent: the write's assumption about the server is wrong, and
 * sending it again unchanged cannot make it right (conflicts are the engine's business).
 */
const BY_NAME: Record<string, Verdict> = {
  cancelled: retryable('cancelled'),
  unknown: retryable('unknown'),
  'invalid-argument': permanent('invalid-argument'),
  'deadline-exceeded': retryable('deadline-exceeded'),
  'not-found': permanent('not-found'),
  'already-exists': permanent('already-exists'),
  'permission-denied': permanent('permission-denied'),
  'resource-exhausted': retryable('resource-exhausted'),
  'failed-precondition': permanent('failed-precondition'),
  aborted: retryable('aborted'),
  'out-of-range': permanent('out-of-range'),
  unimplemented: permanent('unimplemented'),
  internal: retryable('internal'),
  unavailable: retryable('unavailable'),
  'data-loss': permanent('data-loss'),
  unauthenticated: permanent('unauthenticated'),
  // Firebase Storage client spellings of the same conditions.
  'object-not-found': permanent('not-found'),
  unauthorized: permanent('permission-denied'),
  'quota-exceeded': retryable('resource-exhausted'),
  'retry-limit-exceeded': retryable('deadline-exceeded'),
  // The engine's own: a call a pass did not make, having judged the network down (network-judge.ts).
  'network-down': retryable('network-down'),
};

/** gRPC numeric status → name (0 is OK and 15 DATA_LOSS, listed for completeness). */
const GRPC_NAMES = [
  'ok',
  'cancelled',
  'unknown',
  'invalid-argument',
  'deadline-exceeded',
  'not-found',
  'already-exists',
  'permission-denied',
  'resource-exhausted',
  'failed-precondition',
  'aborted',
  'out-of-range',
  'unimplemented',
  'internal',
  'unavailable',
  'data-loss',
  'unauthenticated',
];

/** Socket and DNS failures from Node and undici: the network, not the request, is at fault. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const HTTP: Record<number, Verdict> = {
  400: permanent('invalid-argument'),
  401: permanent('unauthenticated'),
  403: permanent('permission-denied'),
  404: permanent('not-found'),
  408: retryable('deadline-exceeded'),
  413: permanent('too-large'),
  429: retryable('resource-exhausted'),
  500: retryable('internal'),
  503: retryable('unavailable'),
  504: retryable('deadline-exceeded'),
};

const TOO_LARGE = /too large|exceeds the maximum|maximum size/i;
const MALFORMED_NAMES = new Set(['SyntaxError', 'TypeError', 'MalformedDataError']);

export function classifyError(error: unknown): ErrorClass {
  const message = messageOf(error).slice(0, MAX_MESSAGE_LENGTH);
  // The size check comes first: an oversized payload stays oversized whatever code came with it
  // (Firestore reports a >1 MiB document as INVALID_ARGUMENT, Storage as HTTP 413).
  const verdict =
    (TOO_LARGE.test(message) ? permanent('too-large') : undefined) ??
    byCode(error) ??
    // fetch() wraps socket errors: TypeError('fetch failed') with the real cause underneath.
    byCode(field(error, 'cause')) ??
    byName(error) ??
    // Anything unrecognised is a failure of the outside world we cannot name. Retrying it a
    // bounded number of times costs little; parking it as permanent would strand the record
    // in `error` forever over what may have been a blip.
    retryable('unknown');
  return { ...verdict, message };
}

function byCode(error: unknown): Verdict | undefined {
  const code = field(error, 'code');
  const status = field(error, 'status') ?? field(error, 'statusCode');
  if (typeof code === 'number') return code >= 100 ? byHttp(code) : byGrpc(code);
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return retryable('network');
    const verdict = BY_NAME[normalize(code)];
    if (verdict) return verdict;
  }
  if (typeof status === 'number' && status >= 100) return byHttp(status);
  return undefined;
}

function byGrpc(code: number): Verdict | undefined {
  const name = GRPC_NAMES[code];
  return name ? BY_NAME[name] : undefined;
}

function byHttp(status: number): Verdict | undefined {
  if (HTTP[status]) return HTTP[status];
  if (status >= 500 && status < 600) return retryable(`http-${status}`);
  // Other client errors: the request itself is wrong, so an identical retry fails identically.
  if (status >= 400 && status < 500) return permanent(`http-${status}`);
  return undefined;
}

function byName(error: unknown): Verdict | undefined {
  const name = field(error, 'name');
  return typeof name === 'string' && MALFORMED_NAMES.has(name) ? permanent('malformed') : undefined;
}

/** 'firestore/DEADLINE_EXCEEDED' → 'deadline-exceeded'. */
function normalize(code: string): string {
  return code
    .slice(code.lastIndexOf('/') + 1)
    .toLowerCase()
    .replace(/[_\s]+/g, '-');
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function messageOf(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = field(error, 'message') ?? field(error, 'details');
  if (typeof message === 'string') return message;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
