import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_TABLES } from '../../src/db/schema-current';
import { documentBytes, documentBytesBound } from '../../src/sync/wire-limits';

/**
 * The push checks every record's document size against Firestore's 1 MiB limit; it counts UTF-8
 * bytes exactly only when a cheap bound (3 bytes per UTF-16 unit) is over the limit. The bound is
 * only safe if it is never below the exact size.
 */
describe('the cheap bound on a document size', () => {
  const value = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }), // lone surrogates and astral code points included
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );

  it('is never below the exact size, whatever the text (seeded)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DATA_TABLES),
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), value),
        (table, id, fields) => {
          expect(documentBytesBound(table, id, fields)).toBeGreaterThanOrEqual(
            documentBytes(table, id, fields),
          );
        },
      ),
      { seed: 20261130, numRuns: 500 },
    );
  });

  it('is exact for ASCII names and text, give or take the 7 bytes a null or boolean may take', () => {
    const fields = { content: 'a'.repeat(100), title: 'x', n: 1, flag: true };
    const exact = documentBytes('text_notes', 'id1', fields);
    const bound = documentBytesBound('text_notes', 'id1', fields);
    expect(bound).toBeGreaterThanOrEqual(exact);
    // ASCII counts 3 per character in the bound: the gap is 2 bytes per character and the 7 of a
    // boolean, no more (a bound far above the limit would send near-limit records to the exact
    // count needlessly, which costs time, never correctness).
    const chars = 'text_notes'.length + 'id1'.length + 'content'.length + 100 + 'title'.length + 1;
    expect(bound - exact).toBe(2 * (chars + 'n'.length + 'flag'.length) + 7);
  });
});
