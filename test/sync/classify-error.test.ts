import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/sync/classify-error';

const withCode = (code: unknown, message = 'boom') => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  it.each([
    ['gRPC 14 UNAVAILABLE as a plain object', { code: 14, details: 'x' }, 'unavailable'],
    ['gRPC 4 DEADLINE_EXCEEDED', withCode(4), 'deadline-exceeded'],
    ['gRPC 8 RESOURCE_EXHAUSTED', withCode(8), 'resource-exhausted'],
    ['gRPC 10 ABORTED', withCode(10), 'aborted'],
    ['gRPC 1 CANCELLED', withCode(1), 'cancelled'],
    ['gRPC 13 INTERNAL', withCode(13), 'internal'],
    ['gRPC 2 UNKNOWN', withCode(2), 'unknown'],
    ["the string code 'unavailable'", withCode('unavailable'), 'unavailable'],
    ["the string code 'deadline-exceeded'", withCode('deadline-exceeded'), 'deadline-exceeded'],
    [
      "a prefixed code 'firestore/resource-exhausted'",
      withCode('firestore/resource-exhausted'),
      'resource-exhausted',
    ],
    ["an upper-case gRPC name 'ABORTED'", withCode('ABORTED'), 'aborted'],
    ['ECONNRESET', withCode('ECONNRESET'), 'network'],
    ['ECONNREFUSED', withCode('ECONNREFUSED'), 'network'],
    ['ETIMEDOUT', withCode('ETIMEDOUT'), 'network'],
    ['EAI_AGAIN', withCode('EAI_AGAIN'), 'network'],
    ['ENOTFOUND', withCode('ENOTFOUND'), 'network'],
    [
      "fetch's TypeError wrapping a refused connection",
      new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }),
      'network',
    ],
    ['HTTP 408', withCode(408), 'deadline-exceeded'],
    ['HTTP 429', withCode(429), 'resource-exhausted'],
    ['HTTP 503 as status', Object.assign(new Error('x'), { status: 503 }), 'unavailable'],
    ['HTTP 502', withCode(502), 'http-502'],
  ])('retries %s', (_, error, code) => {
    expect(classifyError(error)).toMatchObject({ kind: 'retryable', code });
  });

  it.each([
    ['gRPC 3 INVALID_ARGUMENT', withCode(3), 'invalid-argument'],
    ['gRPC 7 PERMISSION_DENIED', withCode(7), 'permission-denied'],
    ['gRPC 16 UNAUTHENTICATED', withCode(16), 'unauthenticated'],
    ['gRPC 5 NOT_FOUND', withCode(5), 'not-found'],
    ['gRPC 11 OUT_OF_RANGE', withCode(11), 'out-of-range'],
    ['gRPC 12 UNIMPLEMENTED', withCode(12), 'unimplemented'],
    ["the string code 'invalid-argument'", withCode('invalid-argument'), 'invalid-argument'],
    ["the string code 'permission-denied'", withCode('permission-denied'), 'permission-denied'],
    ['HTTP 400', withCode(400), 'invalid-argument'],
    ['HTTP 401', withCode(401), 'unauthenticated'],
    ['HTTP 403 as status', Object.assign(new Error('x'), { status: 403 }), 'permission-denied'],
    ['HTTP 404', withCode(404), 'not-found'],
    ['HTTP 413', withCode(413, 'Payload Too Large'), 'too-large'],
    [
      "Firestore's oversized document, although its code is INVALID_ARGUMENT",
      withCode(3, 'Document cannot be written because its size exceeds the maximum allowed size'),
      'too-large',
    ],
    ['a SyntaxError', new SyntaxError('Unexpected token } in JSON'), 'malformed'],
    [
      'a TypeError',
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'malformed',
    ],
    [
      'a MalformedDataError',
      Object.assign(new Error('bad row'), { name: 'MalformedDataError' }),
      'malformed',
    ],
  ])('does not retry %s', (_, error, code) => {
    expect(classifyError(error)).toMatchObject({ kind: 'permanent', code });
  });

  it.each([
    ['an Error without a code', new Error('something odd')],
    ['a thrown string', 'socket hang up?'],
    ['undefined', undefined],
    ['an unrecognised code', withCode('EWHATEVER')],
  ])("retries %s as 'unknown', a bounded number of times", (_, error) => {
    expect(classifyError(error)).toMatchObject({ kind: 'retryable', code: 'unknown' });
  });

  it("keeps the error's message, truncated to 300 characters", () => {
    expect(classifyError(withCode(14, 'try later')).message).toBe('try later');
    expect(classifyError({ code: 14, details: 'x' }).message).toBe('x');
    expect(classifyError(new Error('a'.repeat(1000))).message).toHaveLength(300);
  });
});
