import type { InvariantResult, ScenarioViolation } from '../judge/verdict';
import type { DeviceSlot } from './device-slot';

/**
 * batched-writes: no sync pass sent two or more records of one collection one commit each (the
 * app's defect 7, "serial and slow"). Not a correctness property — nothing is lost — but the one
 * thing a scenario can count about speed that does not depend on the machine's load: commits per
 * record, from what each device's engine asked the server (src/simulate/commit-log.ts).
 */
export function judgeBatchedWrites(slots: readonly DeviceSlot[]): InvariantResult {
  const violations: ScenarioViolation[] = slots.flatMap((slot) =>
    slot.commitLog.unbatched.map((u) => ({
      invariant: 'batched-writes',
      record: null,
      device: slot.key,
      step: null,
      detail: `pass ${u.pass} sent ${u.records} ${u.collection} records in ${u.records}+ commits of one write each`,
    })),
  );
  return {
    name: 'batched-writes',
    description: 'a pass sends the records of a collection together, not one commit each',
    holds: violations.length === 0,
    count: violations.length,
    violations,
  };
}
