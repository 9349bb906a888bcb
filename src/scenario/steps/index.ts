import type { z } from 'zod';
import { advance } from './advance';
import { answer } from './answer';
import { churn } from './churn';
import { cleanup } from './cleanup';
import { clock } from './clock';
import { crash } from './crash';
import { create } from './create';
import { remove } from './delete';
import { expect } from './expect';
import { faults } from './faults';
import { flaky } from './flaky';
import { generate } from './generate';
import { kill } from './kill';
import { offline } from './offline';
import { online } from './online';
import { purge } from './purge';
import { restart } from './restart';
import type { StepKind } from './step-kind';
import { strategy } from './strategy';
import { sync } from './sync';
import { update } from './update';
import { write } from './write';

/**
 * Every step kind, in the order the published schema lists them and the fuzzer draws them (the
 * fuzzer's weighted draws follow this order: moving a kind changes what a fuzz seed generates).
 */
export const STEP_KINDS = [
  create,
  update,
  remove,
  generate,
  offline,
  online,
  flaky,
  faults,
  crash,
  restart,
  sync,
  advance,
  strategy,
  answer,
  cleanup,
  write,
  clock,
  kill,
  purge,
  churn,
  // Last: its actor bounds what the steps before it may do (crashes, kills), so it must see them.
  expect,
] as const;

type Kind = (typeof STEP_KINDS)[number];
export type Action = Kind['name'];
/** Each action's body schema, by name. */
export type StepBodies = { [K in Kind as K['name']]: K['body'] };
/** A step as the runner receives it: a one-key object `{ action: body }`. */
export type StepSpec = {
  [A in Action]: { [K in A]: z.output<StepBodies[A]> };
}[Action];

export const ACTIONS: Action[] = STEP_KINDS.map((k) => k.name);
const BY_NAME = new Map<string, StepKind>(STEP_KINDS.map((k) => [k.name, k as never]));

export function isAction(name: string): name is Action {
  return BY_NAME.has(name);
}

/** The kind of a step and its body (a step is a one-key object). */
export function kindOf(step: StepSpec): { kind: StepKind; body: unknown } {
  const action = Object.keys(step)[0];
  return { kind: BY_NAME.get(action)!, body: (step as Record<string, unknown>)[action] };
}
