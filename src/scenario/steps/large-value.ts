import { z } from 'zod';
import { forkRandom, type Random } from '../../core/random';
import type { DataTable } from '../../db/schema-current';
import { syncedColumnNames, valuesOfRaw } from '../../sync/wire-format';
import { documentBytes, MAX_DOCUMENT_BYTES, metaBytes } from '../../sync/wire-limits';

/**
 * Generated large values for `create` and `update` fields, so a scenario can say "a 1.2 MB note"
 * in one line instead of 2.4 MB of inline YAML:
 *
 *   content: { text: 1.2MB }        exactly 1,200,000 UTF-8 bytes of seeded text
 *   content: { fill: -1 }           whatever makes the whole document 1 byte under Firestore's
 *                                   1 MiB limit (as the push counts it); 1: one byte over
 *
 * Text up to 500,000 bytes is ASCII; longer text is made of 3-byte characters (CJK), so it stays
 * within the 500,000-character limit of a note's content and still weighs what was asked
 * (`chars: ascii | wide` chooses). The characters come from the run's seed, the step and the field.
 */

/** Characters a long text field may hold (src/sync/wire-limits.ts, LONG_TEXT). */
const ASCII_UP_TO = 500_000;
/** A generated value is at most this big: well past the document limit, still cheap to hold. */
export const MAX_GENERATED_BYTES = 8 * 1_048_576;

const UNITS: Record<string, number> = { B: 1, KB: 1000, KiB: 1024, MB: 1_000_000, MiB: 1_048_576 };
const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB)$/;

/** `1.2MB`, `900KB`, `1MiB`, `512KiB`, `2000B`, or a number of bytes. */
export const ByteSize = z
  .union([
    z.number().int().min(0),
    z.string().regex(SIZE_PATTERN, 'a size like 1.2MB, 900KB, 1MiB, 512KiB or 2000B'),
  ])
  .transform((v) => {
    if (typeof v === 'number') return v;
    const [, amount, unit] = SIZE_PATTERN.exec(v)!;
    return Math.round(Number(amount) * UNITS[unit]);
  })
  .refine((n) => n <= MAX_GENERATED_BYTES, `at most ${MAX_GENERATED_BYTES} bytes (8 MiB)`)
  .meta({ description: 'Bytes of UTF-8: 1.2MB, 900KB, 1MiB, 512KiB, 2000B, or a number.' });

const Chars = z.enum(['ascii', 'wide']).optional().meta({
  description:
    'ascii: one byte a character; wide: three (CJK). Default: ascii up to 500,000 bytes, wide beyond.',
});

export const LargeValue = z.union([
  z.strictObject({ text: ByteSize, chars: Chars }),
  z.strictObject({
    /** The document ends up this many bytes over (positive) or under (negative) 1 MiB. */
    fill: z.number().int().min(-MAX_DOCUMENT_BYTES).max(MAX_DOCUMENT_BYTES),
    chars: Chars,
  }),
]);
export type LargeValueSpec = z.output<typeof LargeValue>;

const FieldValue = z.union([z.string(), z.number(), z.boolean(), z.null(), LargeValue]);
/** The fields of a create or an update: literal values, or generated large ones. */
export const WriteFields = z.record(z.string(), FieldValue);
export type WriteFieldsSpec = z.output<typeof WriteFields>;

export function isLarge(value: unknown): value is LargeValueSpec {
  return typeof value === 'object' && value !== null;
}

/** Seeded text of exactly `bytes` UTF-8 bytes. */
export function generatedText(
  bytes: number,
  random: Random,
  chars: 'ascii' | 'wide' = bytes <= ASCII_UP_TO ? 'ascii' : 'wide',
): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz     ';
  const wide = chars === 'wide' ? Math.floor(bytes / 3) : 0;
  const parts: string[] = [];
  // CJK unified ideographs U+4E00–U+9FFF: three UTF-8 bytes each, one UTF-16 unit.
  for (let i = 0; i < wide; i += 1)
    parts.push(String.fromCharCode(0x4e00 + Math.floor(random() * 0x5200)));
  for (let i = wide * 3; i < bytes; i += 1)
    parts.push(letters[Math.floor(random() * letters.length)]);
  return parts.join('');
}

/** The step's fields with literal values only (none large): written as they are. */
export function literalFields(fields: WriteFieldsSpec): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => !isLarge(v)));
}

/**
 * The large fields' values for a record whose other values are `row` (its local row as it will be
 * once the step's literal fields are written). `fill` sizes against the push's own count: every
 * synced value, the meta fields, and a change time for each field (src/sync/check-write.ts).
 */
export function largeFieldValues(options: {
  fields: WriteFieldsSpec;
  table: DataTable;
  id: string;
  deviceId: string;
  row: Record<string, unknown>;
  seed: number;
  step: number;
}): Record<string, string> {
  const { fields, table, id, deviceId, row, seed, step } = options;
  const large = Object.entries(fields).filter((e): e is [string, LargeValueSpec] => isLarge(e[1]));
  const out: Record<string, string> = {};
  const random = (field: string) => forkRandom(seed, `large/${step}/${field}`);
  for (const [field, spec] of large)
    if ('text' in spec) out[field] = generatedText(spec.text, random(field), spec.chars);
  const fills = large.filter(([, spec]) => 'fill' in spec);
  if (fills.length > 1)
    throw new Error(`only one field of a write can fill the document; got ${fills.length}`);
  for (const [field, spec] of fills) {
    if (!('fill' in spec)) continue;
    const values = { ...valuesOfRaw(table, row), ...out, [field]: '' };
    const without =
      documentBytes(table, id, values) + metaBytes(deviceId, syncedColumnNames(table));
    const bytes = MAX_DOCUMENT_BYTES + spec.fill - without;
    if (bytes < 0)
      throw new Error(
        `${table}/${id}: the document is ${without} bytes without ${field}; fill ${spec.fill} cannot be reached`,
      );
    out[field] = generatedText(bytes, random(field), spec.chars);
  }
  return out;
}

/** How a step names its fields: a generated value by its spec, not its 1 MB of text. */
export function describeLarge(fields: WriteFieldsSpec): string {
  const large = Object.entries(fields).filter(([, v]) => isLarge(v));
  if (large.length === 0) return '';
  return ` (${large
    .map(([f, v]) => {
      const spec = v as LargeValueSpec;
      return 'text' in spec
        ? `${f}: ${spec.text.toLocaleString('en-US')} bytes`
        : `${f}: fills to 1 MiB ${spec.fill >= 0 ? '+' : ''}${spec.fill}`;
    })
    .join(', ')})`;
}
