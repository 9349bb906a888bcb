import { z } from 'zod';
import {
  DURATION_PATTERN,
  formatDurationExact,
  parseDuration,
  parseRate,
  perMillisecond,
  RATE_PATTERN,
} from '../../core/units';
import { DATA_TABLES } from '../../db/schema-current';
import { CONFLICT_STRATEGIES } from '../../sync/conflict-resolver';

/**
 * The building blocks of step bodies (durations, rates, names, device targets), shared by every
 * step kind and by the scenario schema around them.
 */

/** `250ms`, `30s`, `15m`, `6h`, `7d`, or a number of milliseconds (src/core/units.ts). */
export const Duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(DURATION_PATTERN, 'a duration like 250ms, 30s, 15m, 6h or 7d'),
  ])
  .transform((value) => parseScenarioDuration(value))
  .refine(Number.isFinite, 'a duration of a finite length')
  .meta({ description: 'A duration: 250ms, 30s, 15m, 6h, 7d, or milliseconds as a number.' });

/** A duration field's value in milliseconds: a YAML number as it is, text parsed. */
export function parseScenarioDuration(value: number | string): number {
  if (typeof value === 'number') return value;
  const ms = parseDuration(value);
  if (ms === null) throw new Error(`not a duration: ${value}`);
  return ms;
}

/** `10/s`, `30/min`, `100/h` or a number per second. Returns records per millisecond. */
export const Rate = z
  .union([
    z.number().positive(),
    z.string().regex(RATE_PATTERN, 'a rate like 10/s, 30/min or 100/h'),
  ])
  .transform((value) => {
    if (typeof value === 'number') return value / 1000;
    return perMillisecond(parseRate(value)!);
  })
  .refine(Number.isFinite, 'a finite rate')
  .meta({ description: 'Records per time: 10/s, 30/min, 100/h, or per second as a number.' });

export const Name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, - and _ (at most 40)');
export const Probability = z.number().min(0).max(1);
export const Collection = z.enum(DATA_TABLES);
export const Strategy = z
  .enum(CONFLICT_STRATEGIES as [string, ...string[]])
  .transform((s) => s as (typeof CONFLICT_STRATEGIES)[number]);
export const RecordId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, ., - and _ (at most 64)');
const FieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const Fields = z.record(z.string(), FieldValue);

/** `phone`, `alice/phone`, `all`, or a list of those. */
export const DeviceRef = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .default('all')
  .meta({ description: 'A device (phone or user/phone), a list of them, or all (the default).' });

/**
 * `offline: phone` is short for `offline: { device: phone }` (and `sync:` alone for all). Parsing
 * normalizes first so mistakes are reported against the object's fields; the published schema
 * shows both forms.
 */
const SHORTHAND_DOCS = new Map<z.ZodType, z.ZodType>();
export function shorthand<T extends z.ZodType>(body: T) {
  const parse = z.preprocess(
    (v) => (v === null || typeof v === 'string' || Array.isArray(v) ? { device: v ?? 'all' } : v),
    body,
  );
  SHORTHAND_DOCS.set(parse, z.union([DeviceRef, body, z.null()]));
  return parse;
}

/** `purge: alice` is short for `purge: { user: alice }` (and `purge:` alone for all users). */
export function userShorthand<T extends z.ZodType>(body: T) {
  const parse = z.preprocess(
    (v) => (v === null || typeof v === 'string' ? { user: v ?? 'all' } : v),
    body,
  );
  SHORTHAND_DOCS.set(parse, z.union([z.string().min(1), body, z.null()]));
  return parse;
}

/** How a body is published in docs/scenario.schema.json (a shorthand shows both forms). */
export function documentedBody(body: z.ZodType): z.ZodType {
  return SHORTHAND_DOCS.get(body) ?? body;
}

/** A device target as a report names it: `phone`, or `phone, tablet`. */
export const on = (device: string | string[]) =>
  Array.isArray(device) ? device.join(', ') : device;

/** A duration as a step is written (`90m`, `1500ms`): src/core/units.ts. */
export const formatMs = formatDurationExact;
