import { createHash } from 'node:crypto';

/**
 * A value as logs and verdicts may show it: its kind and size plus a short fingerprint, never the
 * value itself (the data is personal: notes, transcriptions, coordinates). Equal values get equal
 * fingerprints, so "the server has #a1b2c3, the step wrote #d4e5f6" still tells them apart.
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value); // a flag says nothing about the person
  const kind =
    typeof value === 'string' ? `a string of ${value.length} characters` : `a ${typeof value}`;
  return `${kind} (#${fingerprint(value)})`;
}

export function fingerprint(value: unknown): string {
  return createHash('sha256')
    .update(`${typeof value}:${String(value)}`)
    .digest('hex')
    .slice(0, 6);
}

/**
 * A value the scenario file itself wrote (an expected value): the author's own text, not the
 * user's data, so it is shown as written (JSON), with its fingerprint to compare against values
 * described by describeValue.
 */
export function quoteScenarioValue(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  return `${JSON.stringify(value)} (#${fingerprint(value)})`;
}
