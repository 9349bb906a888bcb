import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ByteLength } from '../../src/core/utf8';

describe('utf8ByteLength (src/core/utf8.ts)', () => {
  it('counts 1, 2, 3 and 4 bytes per code point as UTF-8 does', () => {
    expect(utf8ByteLength('')).toBe(0);
    expect(utf8ByteLength('a')).toBe(1);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('😀')).toBe(4);
    expect(utf8ByteLength('a😀é€')).toBe(10);
  });

  it('counts a lone surrogate as the 3 bytes of U+FFFD, as the encoders write it', () => {
    expect(utf8ByteLength('\ud800')).toBe(3);
    expect(utf8ByteLength('\udc00x')).toBe(4);
    expect(utf8ByteLength('\ud83d\ud83d\ude00')).toBe(7);
  });

  it("agrees with Node's Buffer.byteLength on any string, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        for (const text of [a, b, a + b]) {
          expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
        }
      }),
      { seed: 15, numRuns: 2000 },
    );
  });
});
