import { describe, expect, it } from 'vitest';
import { DATA_TABLES } from '../../src/db/schema-current';
import { fingerprint } from '../../src/judge/describe-value';
import { checkExpected, type Observed } from '../../src/judge/expectations';
import type { ServerDocs } from '../../src/judge/server-reader';

/** The world as the expectations see it: one user whose server holds one note. */
function observed(note: Record<string, unknown>): Observed {
  const docs: ServerDocs = new Map(DATA_TABLES.map((t) => [t, new Map()]));
  docs.get('text_notes')!.set('racing', note);
  return {
    servers: new Map([['alice', docs]]),
    conflicts: [],
    crashes: 0,
    parked: new Map(),
    quarantined: 0,
    syncErrors: { total: 0, codes: {} },
    writes: new Map(),
    wallMs: 0,
    devices: (ref) => (Array.isArray(ref) ? ref : [ref]),
  };
}

describe('expectation wording', () => {
  it("quotes the value the scenario file expected, and fingerprints the server's", () => {
    const failures: string[] = [];
    checkExpected(
      {
        values: [
          { collection: 'text_notes', id: 'racing', fields: { title: 'v2', content: 'third' } },
        ],
      },
      observed({ title: 'v2', content: 'second thoughts' }),
      (detail) => failures.push(detail),
    );
    // The expected value is the scenario author's own text, not personal data: shown as written
    // (with its fingerprint, to compare with fingerprints elsewhere). The server's value is data
    // read from the user's documents: described, never quoted.
    expect(failures).toEqual([
      `content is a string of 15 characters (#${fingerprint('second thoughts')}); the scenario expected "third" (#${fingerprint('third')})`,
    ]);
    expect(failures[0]).not.toContain('second thoughts');
  });

  it('quotes numbers, booleans and null as JSON', () => {
    const failures: string[] = [];
    checkExpected(
      {
        values: [
          { collection: 'text_notes', id: 'racing', fields: { n: 3, flag: true, gone: null } },
        ],
      },
      observed({ n: 4, flag: false, gone: 'x' }),
      (detail) => failures.push(detail),
    );
    expect(failures).toEqual([
      `n is a number (#${fingerprint(4)}); the scenario expected 3 (#${fingerprint(3)})`,
      'flag is false; the scenario expected true',
      `gone is a string of 1 characters (#${fingerprint('x')}); the scenario expected null`,
    ]);
  });
});
