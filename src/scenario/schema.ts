import { z } from 'zod';
import {
  DURATION_PATTERN,
  parseDuration,
  parseRate,
  perMillisecond,
  RATE_PATTERN,
} from '../core/units';
import { DATA_TABLES } from '../db/schema-current';
import { CRASH_POINTS, FAULT_KINDS } from '../simulate/fault-model';
import { ADMIN_BATCH_LIMIT, CLIENT_BATCH_LIMIT } from '../simulate/other-writer';
import { WRITER_FORMATS, WRITER_TABLES } from '../simulate/writer-documents';
import { CONFLICT_STRATEGIES } from '../sync/conflict-resolver';
import { resolveTargets } from './targets';

/**
 * The scenario file format (YAML), as a zod schema: the one definition that validates files,
 * types the runner and produces docs/scenario.schema.json (`npm run schema:scenario`).
 *
 * A scenario names users and their devices (each with its own clock offset and drift), a
 * timeline of steps run in order on a virtual clock, and expectations checked after the final
 * heal-and-sync. Every step is a one-key object: `- offline: { device: phone }`.
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
function parseScenarioDuration(value: number | string): number {
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

const Name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, - and _ (at most 40)');
const Probability = z.number().min(0).max(1);
const Collection = z.enum(DATA_TABLES);
const Strategy = z
  .enum(CONFLICT_STRATEGIES as [string, ...string[]])
  .transform((s) => s as (typeof CONFLICT_STRATEGIES)[number]);
const RecordId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, ., - and _ (at most 64)');
const FieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Fields = z.record(z.string(), FieldValue);

/** `phone`, `alice/phone`, `all`, or a list of those. */
const Target = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .default('all')
  .meta({ description: 'A device (phone or user/phone), a list of them, or all (the default).' });

const DeviceSpec = z.strictObject({
  id: Name,
  /** How far this device's clock is off (negative: behind): -5m, 90s, or milliseconds. */
  clockOffset: z
    .union([
      z.number(),
      z.string().regex(/^-?\d+(\.\d+)?(ms|s|m|h|d)$/, 'a duration like -5m or 90s'),
    ])
    .default(0)
    .transform((v) =>
      typeof v === 'number'
        ? v
        : v.startsWith('-')
          ? -parseScenarioDuration(v.slice(1))
          : parseScenarioDuration(v),
    )
    .refine(Number.isFinite, 'a clock offset of a finite length'),
  /** Drift in parts per million (positive: runs fast). */
  clockDriftPpm: z.number().min(-100_000).max(100_000).default(0),
  strategy: Strategy.optional(),
});

const UserSpec = z.strictObject({
  id: Name,
  devices: z
    .array(z.union([Name, DeviceSpec]))
    .min(1)
    .max(200),
});

const ByOperation = z.strictObject({
  pull: Probability.default(0),
  push: Probability.default(0),
  upload: Probability.default(0),
});

/**
 * `offline: phone` is short for `offline: { device: phone }` (and `sync:` alone for all). Parsing
 * normalizes first so mistakes are reported against the object's fields; the published schema
 * shows both forms.
 */
const SHORTHAND_DOCS = new Map<z.ZodType, z.ZodType>();
function shorthand<T extends z.ZodType>(body: T) {
  const parse = z.preprocess(
    (v) => (v === null || typeof v === 'string' || Array.isArray(v) ? { device: v ?? 'all' } : v),
    body,
  );
  SHORTHAND_DOCS.set(parse, z.union([Target, body, z.null()]));
  return parse;
}

/** Each action's body. A step is a one-key object: `{ action: body }`. */
export const STEP_BODIES = {
  create: z.strictObject({
    device: z.string().min(1),
    collection: Collection,
    id: RecordId,
    fields: Fields.default({}),
  }),
  update: z.strictObject({
    device: z.string().min(1),
    collection: Collection,
    id: RecordId,
    fields: Fields.refine((f) => Object.keys(f).length > 0, 'name at least one field'),
    /** `push`: the edit is made while this device's next push is in flight. */
    during: z.literal('push').optional(),
  }),
  delete: z.strictObject({ device: z.string().min(1), collection: Collection, id: RecordId }),
  generate: z.strictObject({
    device: Target,
    count: z.number().int().min(1).max(100_000),
    /** Spread over virtual time at this rate (background sync keeps running); none: at once. */
    rate: Rate.optional(),
    collection: Collection.optional(),
  }),
  offline: shorthand(
    z.strictObject({ device: Target, mode: z.enum(['refuse', 'blackhole']).default('refuse') }),
  ),
  online: shorthand(z.strictObject({ device: Target })),
  flaky: z.strictObject({
    device: Target,
    dropRate: Probability.default(0.2),
    latency: Duration.default(0),
    jitter: Duration.default(0),
    bytesPerSecond: z.number().int().positive().nullable().default(null),
  }),
  faults: z.strictObject({
    device: Target,
    failRate: z.union([Probability, ByOperation]).default(0),
    ackLostRate: Probability.default(0),
    kinds: z.array(z.enum(FAULT_KINDS)).min(1).default(['unavailable']),
  }),
  crash: z.strictObject({ device: Target, at: z.enum(CRASH_POINTS) }),
  restart: shorthand(z.strictObject({ device: Target })),
  sync: shorthand(z.strictObject({ device: Target })),
  advance: Duration,
  strategy: z.strictObject({ device: Target, use: Strategy }),
  answer: z.strictObject({
    device: Target,
    with: z.array(z.enum(['local', 'remote', 'merge'])).min(1),
  }),
  cleanup: z.strictObject({ device: Target, olderThan: Duration }),
  write: z
    .strictObject({
      /** Whose data (a user of the scenario); may be left out when there is one user. */
      user: Name.optional(),
      /** client: the Firebase JS SDK as the user, rules enforced; admin: firebase-admin, no rules. */
      as: z.enum(['client', 'admin']).default('client'),
      collection: z.enum(WRITER_TABLES).default('health_data'),
      count: z.number().int().min(1).max(ADMIN_BATCH_LIMIT).default(1),
      /** wire: the engine's format; original: the app's set(merge) of the fields; malformed. */
      format: z.enum(WRITER_FORMATS).default('wire'),
      /** one: every document in one commit (one update time); each: a commit per document. */
      commit: z.enum(['one', 'each']).default('one'),
      /** Spread over virtual time at this rate, committed as they come due (background sync runs). */
      rate: Rate.optional(),
      /** false: the commit starts and the scenario goes on; it is awaited before the heal. */
      wait: z.boolean().default(true),
      /**
       * With wait: false, real time the commit runs before the scenario goes on (the server must
       * have begun processing it, and stamped it, before what follows: about a second for a
       * 500-write client batch here, whose rules then take seconds more).
       */
      headStart: Duration.default(0),
    })
    .superRefine((w, ctx) => {
      if (w.as === 'client' && w.format !== 'wire')
        ctx.addIssue({
          code: 'custom',
          path: ['format'],
          message: `firestore.rules refuse ${w.format} documents from a client; write them as: admin`,
        });
      if (w.as === 'client' && w.commit === 'one' && w.count > CLIENT_BATCH_LIMIT)
        ctx.addIssue({
          code: 'custom',
          path: ['count'],
          message: `a client WriteBatch holds at most ${CLIENT_BATCH_LIMIT} writes; use as: admin for a bigger single commit`,
        });
      if (w.headStart > 0 && w.wait)
        ctx.addIssue({
          code: 'custom',
          path: ['headStart'],
          message: 'a head start is for a write not waited for (wait: false)',
        });
      if (w.rate !== undefined && !w.wait)
        ctx.addIssue({
          code: 'custom',
          path: ['wait'],
          message:
            'a write with a rate runs while time passes; it cannot also run in the background',
        });
    }),
};
export type Action = keyof typeof STEP_BODIES;
export const ACTIONS = Object.keys(STEP_BODIES) as Action[];

/** The union of one-key step objects: what the JSON Schema publishes and the runner receives. */
const StepUnion = z.union(
  ACTIONS.map((action) =>
    z.strictObject({ [action]: SHORTHAND_DOCS.get(STEP_BODIES[action]) ?? STEP_BODIES[action] }),
  ) as unknown as [z.ZodType, ...z.ZodType[]],
);
export type StepSpec = {
  [A in Action]: { [K in A]: z.output<(typeof STEP_BODIES)[A]> };
}[Action];

/**
 * Validation dispatches on the step's key, so a mistake in an `update` is reported against the
 * update's own fields, not as "matches none of 15 alternatives".
 */
export const Step = z.unknown().transform((value, ctx): StepSpec => {
  const keys =
    value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  if (keys.length !== 1 || !(keys[0] in STEP_BODIES)) {
    ctx.addIssue({
      code: 'custom',
      message:
        keys.length === 1
          ? `unknown action "${keys[0]}"; one of ${ACTIONS.join(', ')}`
          : `a step is one action, e.g. "- sync: all"; one of ${ACTIONS.join(', ')}`,
    });
    return z.NEVER;
  }
  const action = keys[0] as Action;
  const parsed = STEP_BODIES[action].safeParse((value as Record<string, unknown>)[action]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, path: [action, ...issue.path] } as never);
    return z.NEVER;
  }
  return { [action]: parsed.data } as StepSpec;
});

const CountExpectation = z.union([
  z.number().int().min(0),
  z.strictObject({
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
]);

export const Expectations = z.strictObject({
  /** Live records on the server after the heal, per collection, over all users. */
  records: z.partialRecord(Collection, CountExpectation).optional(),
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
});

const scenarioShape = (step: z.ZodType) =>
  z.strictObject({
    name: z.string().min(1).max(200),
    description: z.string().optional(),
    /** Default seed; `--seed` overrides. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    strategy: Strategy.default('remote-wins'),
    /** Upload voice notes and photos to the Storage emulator (default on). */
    files: z.boolean().default(true),
    /** The app's background sync interval on the virtual clock; 0 turns it off. */
    background: Duration.default(15 * 60_000),
    /** Client deadline of every remote call (real time: a black-holed call costs this much). */
    deadline: Duration.default(1500),
    /** A step that cannot apply (its record is not on the device) is skipped, not a failure. */
    skipInapplicableSteps: z.boolean().default(false),
    /** Unanswered ask-user prompts get this answer; without it they fail the sync. */
    askUserDefault: z.enum(['local', 'remote', 'merge']).optional(),
    /** Virtual time at the start (ISO date); the clocks of all devices derive from it. */
    start: z.iso.datetime().default('2026-01-01T08:00:00Z'),
    users: z.array(UserSpec).min(1).max(20),
    steps: z.array(step).default([]),
    expect: Expectations.default({}),
  });

export const Scenario = scenarioShape(Step).superRefine((scenario, ctx) =>
  checkReferences(scenario as unknown as ScenarioSpec, ctx),
);
/** For docs/scenario.schema.json: the same format with the steps spelled out. */
export const ScenarioForDocs = scenarioShape(StepUnion);

export type ScenarioInput = z.input<typeof ScenarioForDocs>;
export type ScenarioSpec = Omit<z.output<typeof Scenario>, 'steps'> & { steps: StepSpec[] };
export type ExpectationsSpec = z.output<typeof Expectations>;

/** The action name of a step (its one key). */
export function actionOf(step: StepSpec): Action {
  return Object.keys(step)[0] as Action;
}

/**
 * What the shape cannot say: user and device names are unique, every step names devices that
 * exist, and no record id is created by two users (documents are shared by id on the server).
 */
function checkReferences(scenario: ScenarioSpec, ctx: z.RefinementCtx): void {
  const devices: Array<{ key: string }> = [];
  const users = new Set<string>();
  for (const [u, user] of scenario.users.entries()) {
    if (users.has(user.id))
      ctx.addIssue({
        code: 'custom',
        path: ['users', u, 'id'],
        message: `user "${user.id}" twice`,
      });
    users.add(user.id);
    for (const [d, device] of user.devices.entries()) {
      const id = typeof device === 'string' ? device : device.id;
      const key = `${user.id}/${id}`;
      if (devices.some((x) => x.key === key))
        ctx.addIssue({
          code: 'custom',
          path: ['users', u, 'devices', d],
          message: `device "${id}" twice`,
        });
      devices.push({ key });
    }
  }
  const creators = new Map<string, string>();
  for (const [i, step] of scenario.steps.entries()) {
    const action = actionOf(step);
    if ('write' in step) {
      const user = step.write.user;
      if (user === undefined ? scenario.users.length !== 1 : !users.has(user))
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'write', 'user'],
          message:
            user === undefined
              ? 'name the user whose data this writes (the scenario has several)'
              : `no user "${user}"`,
        });
      continue;
    }
    const body = (step as Record<string, unknown>)[action] as Record<string, unknown> | number;
    if (typeof body !== 'object' || body === null || !('device' in body)) continue;
    let keys: string[];
    try {
      keys = resolveTargets(body.device as string | string[], devices);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps', i, action, 'device'],
        message: (error as Error).message,
      });
      continue;
    }
    if ((action === 'create' || action === 'update' || action === 'delete') && keys.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['steps', i, action, 'device'],
        message: `${action} needs one device`,
      });
    if (action === 'create' && keys.length === 1) {
      const record = `${body.collection}/${body.id}`;
      const user = keys[0].split('/')[0];
      const first = creators.get(record);
      if (first && first !== user)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, action, 'id'],
          message: `${record} is already created by ${first}; record ids are global, use another id`,
        });
      creators.set(record, user);
    }
  }
}
