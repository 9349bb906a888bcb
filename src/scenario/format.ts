import { z } from 'zod';
import { FLEET_SDKS, SDKS } from '../core/sdk';
import { resolveDeviceRefs } from './device-refs';
import { KNOB_FIELDS, StrategySetting } from './device-settings';
import { checkExpectationRefs } from './expectation-refs';
import { Expectations } from './expectations-schema';
import {
  ACTIONS,
  type Action,
  isAction,
  STEP_KINDS,
  type StepBodies,
  type StepSpec,
} from './steps';
import { Duration, documentedBody, Name, parseScenarioDuration } from './steps/fields';

export { ACTIONS, type Action, Expectations, type StepSpec };

/**
 * The scenario file format (YAML), as a zod schema: the one definition that validates files,
 * types the runner and produces docs/scenario.schema.json (`npm run schema:scenario`).
 *
 * A scenario names users and their devices (each with its own clock offset and drift), a
 * timeline of steps run in order on a virtual clock (`expect` steps check expectations along
 * the way), and expectations checked after the final heal-and-sync. Every step is a one-key object: `- offline: { device: phone }`.
 */

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
  /** Overrides the scenario's strategy (a map changes only the collections it names). */
  strategy: StrategySetting.optional(),
  /** The SDK this device syncs through; default: the scenario's `sdk`. */
  sdk: z.enum(SDKS).optional(),
  /** The engine's knobs for this device; default: the scenario's (src/scenario/device-settings.ts). */
  ...KNOB_FIELDS,
});

const UserSpec = z.strictObject({
  id: Name,
  devices: z
    .array(z.union([Name, DeviceSpec]))
    .min(1)
    .max(200),
});

/** Each action's body, from the step kinds (src/scenario/steps/). A step is `{ action: body }`. */
export const STEP_BODIES = Object.fromEntries(
  STEP_KINDS.map((kind) => [kind.name, kind.body]),
) as unknown as StepBodies;

/** The union of one-key step objects: what the JSON Schema publishes and the runner receives. */
const StepUnion = z.union(
  STEP_KINDS.map((kind) =>
    z.strictObject({ [kind.name]: documentedBody(kind.body) }),
  ) as unknown as [z.ZodType, ...z.ZodType[]],
);

/**
 * Validation dispatches on the step's key, so a mistake in an `update` is reported against the
 * update's own fields, not as "matches none of 15 alternatives".
 */
export const Step = z.unknown().transform((value, ctx): StepSpec => {
  const keys =
    value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  if (keys.length !== 1 || !isAction(keys[0])) {
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
  const body = STEP_BODIES[action] as z.ZodType;
  const parsed = body.safeParse((value as Record<string, unknown>)[action]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, path: [action, ...issue.path] } as never);
    return z.NEVER;
  }
  return { [action]: parsed.data } as StepSpec;
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
    /** One strategy, or one per collection (`{ text_notes: merge }`; the rest remote-wins). */
    strategy: StrategySetting.default('remote-wins'),
    /** The engine's knobs for every device (a device may set its own). */
    ...KNOB_FIELDS,
    /**
     * The SDK of devices that do not name one: admin (firebase-admin), client (the app's SDK as
     * the signed-in user, rules enforced) or mixed (alternating over all users' devices, the
     * first admin). `scenario run --sdk` overrides it.
     */
    sdk: z.enum(FLEET_SDKS).default('admin'),
    /** Upload voice notes and photos to the Storage emulator (default on). */
    files: z.boolean().default(true),
    /** The app's background sync interval on the virtual clock; 0 turns it off. */
    background: Duration.default(15 * 60_000),
    /** Client deadline of every remote call, on the device's clock (src/simulate/virtual-link.ts). */
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
  checkExpectationRefs(scenario.expect, ['expect'], devices, users, ctx);
  const creators = new Map<string, string>();
  for (const [i, step] of scenario.steps.entries()) {
    const action = actionOf(step);
    if ('expect' in step) {
      checkExpectationRefs(step.expect, ['steps', i, 'expect'], devices, users, ctx);
      continue;
    }
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
      keys = resolveDeviceRefs(body.device as string | string[], devices);
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
