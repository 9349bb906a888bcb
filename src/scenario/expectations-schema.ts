import { z } from 'zod';
import { Collection, DeviceRef, Duration, Fields, Name, RecordId } from './steps/fields';

/**
 * What a scenario expects: the `expect` section (checked after the final heal) and the body of
 * the mid-timeline `expect` step (checked at that point of the timeline), one shape for both.
 * src/judge/expectations.ts checks it; its `Expectations` type must stay assignable from this
 * schema's output (test/judge/judge-copies.test.ts).
 */

export const CountExpectation = z.union([
  z.number().int().min(0),
  z.strictObject({
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
]);

/**
 * A record a device holds parked in `error` (its sync_queue row waits for the user's Retry), with
 * the error's code (`document-too-large`, `invalid-record`, `permission-denied`, …) and a part of
 * its message. After the final heal such a record is left alone: it is not `drained`'s business,
 * nor `converged`'s on that device (docs/scenarios.md, "Rightly parked records").
 */
const ParkedExpectation = z.strictObject({
  /** One device: `phone` or `alice/phone`. */
  device: z.string().min(1),
  collection: Collection,
  id: RecordId,
  code: z.string().min(1).optional(),
  /** Text the error's message contains (case-sensitive). */
  message: z.string().min(1).optional(),
});

export const Expectations = z.strictObject({
  /** Live records on the server, per collection, over all users. */
  records: z.partialRecord(Collection, CountExpectation).optional(),
  /** Live records on the server, per user (the scenario's name for it) and collection. */
  userRecords: z.record(Name, z.partialRecord(Collection, CountExpectation)).optional(),
  conflicts: CountExpectation.optional(),
  /** Every conflict ended with one of these outcomes. */
  outcomes: z
    .array(z.enum(['kept-local', 'took-remote', 'merged', 'deleted', 'restored']))
    .min(1)
    .optional(),
  crashes: CountExpectation.optional(),
  values: z
    .array(z.strictObject({ collection: Collection, id: RecordId, fields: Fields }))
    .optional(),
  deleted: z.array(z.strictObject({ collection: Collection, id: RecordId })).optional(),
  exists: z.array(z.strictObject({ collection: Collection, id: RecordId })).optional(),
  /** Records parked in `error` on a device, each with its code and message. */
  parked: z.array(ParkedExpectation).optional(),
  /** Malformed server documents the devices' pulls quarantined (reports, over all devices). */
  quarantined: CountExpectation.optional(),
  /** Sync errors the devices met: in all, and by code (`unavailable`, `document-too-large`, …). */
  syncErrors: z
    .strictObject({
      total: CountExpectation.optional(),
      codes: z.record(z.string().min(1), CountExpectation).optional(),
    })
    .optional(),
  /**
   * Commits (one batch write call that reached the server) and documents written by them,
   * counted where each device's remote is wired: of these devices, or of all (the default).
   */
  writes: z
    .strictObject({
      device: DeviceRef,
      commits: CountExpectation.optional(),
      documents: CountExpectation.optional(),
    })
    .optional(),
  /** The run so far (or in all) took at most this much real time. */
  wallTime: z.strictObject({ max: Duration }).optional(),
});
