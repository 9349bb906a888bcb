import fc from 'fast-check';
import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { asFirestoreTimestamp } from '../../src/adapters/firestore-remote';
import { isSafeId } from '../../src/core/ids';
import { DATA_TABLES, type DataTable } from '../../src/db/schema-current';
import { decodeDocument } from '../../src/sync/decode-document';
import { decodeVersion, isVersion } from '../../src/sync/version';
import {
  assertWellFormed,
  MalformedDocumentError,
  META,
  readValues,
  syncedColumns,
  type Values,
} from '../../src/sync/wire-format';
import { boundProblem, FIELD_RULES, TIME_MAX } from '../../src/sync/wire-limits';

/**
 * Fuzzing of the remote-document decoder (decodeDocument + assertWellFormed), pure and without
 * the emulator. Whatever a document holds, the decoder either accepts it whole, with every synced
 * column of the schema's type and within the wire limits, or refuses it with the project's own
 * MalformedDocumentError, whose message never repeats a value. Fixed seed for CI; FUZZ_SEED=<n>
 * replays another, FUZZ_RUNS=<n> changes the number of runs per property (default 2000).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const params = { seed: SEED, numRuns: RUNS };
console.log(`decoder.property: seed ${SEED}, ${RUNS} runs per property (FUZZ_SEED / FUZZ_RUNS)`);

/** Every string value a test document carries starts with this, so leaks are easy to spot. */
const MARK = '§v:';

const tableArb = fc.constantFrom(...DATA_TABLES);
const safeIdArb = fc
  .stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/)
  .filter((id) => !id.includes('..'));
const realTimestampArb = fc
  .record({
    seconds: fc.integer({ min: 0, max: 253_402_300_799 }),
    nanoseconds: fc.integer({ min: 0, max: 999_999_999 }),
  })
  .map(({ seconds, nanoseconds }) => new Timestamp(seconds, nanoseconds));

/** Objects that look like a timestamp without being one the remote produced. */
const fakeTimestampArb = fc.oneof(
  fc.record({ seconds: fc.anything(), nanoseconds: fc.anything() }),
  fc
    .record({
      seconds: fc.oneof(fc.double(), fc.integer({ min: -1e15, max: 1e15 }), fc.constant(1e21)),
      nanoseconds: fc.oneof(fc.double(), fc.integer({ min: -1e10, max: 1e10 })),
    })
    .map(({ seconds, nanoseconds }) => {
      // A Timestamp built around its constructor's checks (out of range, fractional, NaN).
      const fake = Object.create(Timestamp.prototype) as Record<string, unknown>;
      Object.defineProperty(fake, 'seconds', { value: seconds });
      Object.defineProperty(fake, 'nanoseconds', { value: nanoseconds });
      return fake;
    }),
  fc.date({ noInvalidDate: false }),
);

const markedStringArb = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => MARK + s) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(1_000, 4_096, 20_000, 500_000, 1_100_000)
      .chain((n) => fc.constantFrom(n - 1, n, n + 1))
      .map((n) => MARK + 'é'.repeat(Math.max(0, n - MARK.length))),
  },
);
const numberArb = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.constantFrom(-1, TIME_MAX, TIME_MAX + 1, -90.0001, 180.5, Number.MAX_VALUE),
  fc.integer(),
);
const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  markedStringArb,
  numberArb,
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  realTimestampArb,
  fakeTimestampArb,
  fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
);
/** Any Firestore-ish value: leaves, nested maps and arrays. */
const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

function fieldNames(table: DataTable): string[] {
  return syncedColumns(table).map((c) => c.name);
}
const keyArb = (table: DataTable) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fieldNames(table)) },
    { weight: 2, arbitrary: fc.constantFrom(...Object.values(META)) },
    { weight: 1, arbitrary: fc.constantFrom('sync_status', 'remote_version', 'synced_at') },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', '') },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  );

/** A valid value for one column: the schema's type, within FIELD_RULES bounds. */
function validValueArb(table: DataTable, name: string, type: string): fc.Arbitrary<unknown> {
  const rule = FIELD_RULES[table][name] ?? {};
  if (type === 'boolean') return fc.boolean();
  if (type === 'number') {
    return fc.oneof(
      fc.double({
        min: rule.min ?? -Number.MAX_VALUE,
        max: rule.max ?? Number.MAX_VALUE,
        noNaN: true,
        noDefaultInfinity: true,
      }),
      fc
        .constantFrom(rule.min ?? -1e300, rule.max ?? 1e300, 0, -0)
        .filter(
          (v) =>
            (rule.min === undefined || v >= rule.min) && (rule.max === undefined || v <= rule.max),
        ),
    );
  }
  if (rule.oneOf) return fc.constantFrom(...rule.oneOf);
  if (rule.id) return safeIdArb;
  const max = rule.maxLength ?? 2_000;
  return fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: 'grapheme', maxLength: Math.min(max, 60) }) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(max)) },
  );
}

interface Generated {
  table: DataTable;
  id: string;
  values: Record<string, unknown>;
  data: Record<string, unknown>;
  serverTime: Timestamp;
  fieldTimes: Record<string, Timestamp>;
}

/** A document as a well-behaved device writes it: the model of a well-formed document. */
const wellFormedArb: fc.Arbitrary<Generated> = tableArb.chain((table) => {
  const columns = syncedColumns(table);
  const values = fc.record(
    Object.fromEntries(
      columns.map((c) => [
        c.name,
        c.isOptional
          ? fc.option(validValueArb(table, c.name, c.type), { nil: null })
          : validValueArb(table, c.name, c.type),
      ]),
    ) as Record<string, fc.Arbitrary<unknown>>,
  );
  const absent = fc.subarray(columns.filter((c) => c.isOptional).map((c) => c.name));
  return fc
    .record({
      id: safeIdArb,
      values,
      absent,
      serverTime: realTimestampArb,
      device: fc.option(safeIdArb, { nil: undefined }),
      fieldTimes: fc.option(
        fc.dictionary(fc.constantFrom(...columns.map((c) => c.name)), realTimestampArb),
        { nil: undefined },
      ),
    })
    .map(({ id, values, absent, serverTime, device, fieldTimes }) => {
      const data: Record<string, unknown> = { ...values };
      for (const name of absent) delete data[name];
      data[META.serverTime] = serverTime;
      if (device !== undefined) data[META.device] = device;
      data[META.deleted] = false;
      if (fieldTimes !== undefined) data[META.fieldTimes] = fieldTimes;
      return { table, id, values, data, serverTime, fieldTimes: fieldTimes ?? {} };
    });
});

/** A well-formed document with one thing changed, or nothing. */
const mutatedArb = wellFormedArb.chain((doc) =>
  fc
    .record({
      key: keyArb(doc.table),
      how: fc.constantFrom('set', 'delete', 'keep'),
      value: valueArb,
      id: fc.oneof(fc.constant(doc.id), fc.string({ maxLength: 140 })),
    })
    .map(({ key, how, value, id }) => {
      const data = { ...doc.data };
      if (how === 'set')
        Object.defineProperty(data, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      if (how === 'delete') delete data[key];
      return { table: doc.table, id, data };
    }),
);

/** A document of anything at all. */
const arbitraryArb = tableArb
  .chain((table) =>
    fc.record({
      table: fc.constant(table),
      id: fc.oneof(safeIdArb, fc.string({ unit: 'binary', maxLength: 200 })),
      entries: fc.array(fc.tuple(keyArb(table), valueArb), { maxLength: 16 }),
    }),
  )
  .map(({ table, id, entries }) => {
    const data: Record<string, unknown> = {};
    for (const [key, value] of entries)
      Object.defineProperty(data, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return { table, id, data };
  });

const updateTimeArb = fc.oneof(
  { weight: 8, arbitrary: realTimestampArb },
  { weight: 1, arbitrary: fakeTimestampArb as fc.Arbitrary<Timestamp> },
);

/** What any input must satisfy: success means applicable as is; failure is ours and says no value. */
function checkDecoder(
  table: DataTable,
  id: string,
  data: Record<string, unknown>,
  updateTime: Timestamp,
): boolean {
  const doc = decodeDocument(id, data, updateTime, asFirestoreTimestamp);
  expect(isVersion(doc.version)).toBe(true);
  if (doc.serverTime !== null) expect(isVersion(doc.serverTime)).toBe(true);
  for (const version of Object.values(doc.fieldTimes)) expect(isVersion(version)).toBe(true);
  let error: unknown = null;
  try {
    assertWellFormed(table, doc);
  } catch (e) {
    error = e;
  }
  if (error !== null) {
    expect(error).toBeInstanceOf(MalformedDocumentError);
    const message = (error as Error).message;
    expect(message.includes(MARK)).toBe(false);
    expect(message.length).toBeLessThan(2_000);
    return false;
  }
  // Accepted: it can be applied whole.
  expect(doc.malformed ?? null).toBeNull();
  expect(isSafeId(doc.id)).toBe(true);
  expect(doc.serverTime).not.toBeNull();
  const known = new Set(fieldNames(table));
  for (const key of Object.keys(doc.data)) expect(known.has(key)).toBe(true);
  if (!doc.deleted) {
    for (const column of syncedColumns(table)) {
      const value = doc.data[column.name];
      if (value === undefined || value === null) {
        expect(column.isOptional).toBe(true);
        continue;
      }
      if (column.type === 'number') expect(Number.isFinite(value)).toBe(true);
      else expect(typeof value).toBe(column.type);
      expect(boundProblem(table, column.name, value)).toBeNull();
    }
  }
  return true;
}

describe('remote-document decoder (property-based)', () => {
  it('a document of anything is accepted whole or refused with MalformedDocumentError only', () => {
    let accepted = 0;
    fc.assert(
      fc.property(arbitraryArb, updateTimeArb, ({ table, id, data }, updateTime) => {
        if (checkDecoder(table, id, data, updateTime)) accepted += 1;
      }),
      params,
    );
    console.log(`  anything: ${accepted} of ${RUNS} accepted`);
  });

  it('a well-formed document with one field set to anything, removed, or its id replaced: same guarantee', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutatedArb, updateTimeArb, ({ table, id, data }, updateTime) => {
        if (checkDecoder(table, id, data, updateTime)) accepted += 1;
      }),
      params,
    );
    console.log(`  mutated: ${accepted} of ${RUNS} accepted`);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(RUNS);
  });

  it('model: a document generated from the schema always passes and its values round-trip exactly', () => {
    fc.assert(
      fc.property(wellFormedArb, realTimestampArb, (generated, updateTime) => {
        const doc = decodeDocument(generated.id, generated.data, updateTime, asFirestoreTimestamp);
        expect(doc.malformed).toBeNull();
        assertWellFormed(generated.table, doc);
        const values: Values = readValues(generated.table, doc);
        for (const column of syncedColumns(generated.table)) {
          expect(Object.is(values[column.name], generated.data[column.name] ?? null)).toBe(true);
        }
        expect(doc.deleted).toBe(false);
        expect(decodeVersion(doc.serverTime!)).toEqual({
          seconds: generated.serverTime.seconds,
          nanoseconds: generated.serverTime.nanoseconds,
        });
        // The version is `_server_time` (both SDKs read it), not the update time.
        expect(doc.version).toBe(doc.serverTime);
        for (const [field, time] of Object.entries(generated.fieldTimes))
          expect(decodeVersion(doc.fieldTimes[field])).toEqual({
            seconds: time.seconds,
            nanoseconds: time.nanoseconds,
          });
      }),
      params,
    );
  });
});
