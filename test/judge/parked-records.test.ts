import { describe, expect, it } from 'vitest';
import type { ParkedRow } from '../../src/judge/device-reader';
import { checkParked, withoutParked } from '../../src/judge/parked-records';
import type { ScenarioViolation } from '../../src/judge/verdict';

const row = (id: string, attempts: number): ParkedRow => ({
  table: 'text_notes',
  id,
  code: 'invalid-record',
  message:
    'field type is not one of the allowed values (diary, thought); fix the record to sync it',
  attempts,
});

describe('parked records after the heal', () => {
  const named = (r: ParkedRow) => r.id !== 'stray';
  const judge = (rows: ParkedRow[]) => {
    const found: ScenarioViolation[] = [];
    checkParked(
      { key: 'alice/phone', parked: rows },
      named,
      () => '#1 create',
      (v) => found.push(v),
    );
    return found;
  };

  it('leaves a named record that failed for good alone', () => {
    expect(judge([row('poem', 1)])).toEqual([]);
  });

  it('names a parked record the scenario does not expect, with its error', () => {
    expect(judge([row('stray', 1)])).toEqual([
      {
        invariant: 'drained',
        record: 'text_notes/stray',
        device: 'alice/phone',
        step: '#1 create',
        detail:
          "parked in error after the heal's Retry (invalid-record: field type is not one of the allowed values (diary, thought); fix the record to sync it), and the scenario does not expect it",
      },
    ]);
  });

  it('does not excuse a named record whose retries ran out (a retryable failure)', () => {
    const [v] = judge([row('poem', 5)]);
    expect(v.detail).toMatch(/^parked in error once its 5 attempts ran out \(invalid-record: /);
  });

  it('the device the invariants see has neither the parked rows in its queue nor their records', async () => {
    const view = withoutParked(
      {
        deviceId: 'alice/phone',
        rows: async () => [{ id: 'poem' }, { id: 'kept' }],
        queued: async () => 3,
      },
      [row('poem', 1)],
    );
    expect(await view.rows('text_notes')).toEqual([{ id: 'kept' }]);
    expect(await view.queued()).toBe(2);
    expect(view.mayLack?.('text_notes', 'poem', {})).toBe(true);
    expect(view.mayLack?.('text_notes', 'kept', {})).toBe(false);
  });
});
