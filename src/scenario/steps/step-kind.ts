import type { z } from 'zod';
import type { Random } from '../../core/random';
import type { DataTable } from '../../db/schema-current';
import type { Expectations } from '../../judge/expectations';
import type { Ledger } from '../../judge/ledger';
import type { OtherWriters } from '../../simulate/other-writer';
import type { DeviceSlot } from '../device-slot';
import type { TimelineEvent } from '../run-scenario';
import type { OtherWriteReport } from './write';

/**
 * A step kind: everything about one action of the scenario format in one place — its body's
 * schema, what it does to the world, how reports name it, and how the fuzzer draws it.
 * Adding a kind is one file here and one line in `./index.ts`.
 */
export interface StepKind<Name extends string = string, Body extends z.ZodType = z.ZodType> {
  name: Name;
  body: Body;
  /** Runs the step; a returned note goes in the report (`skipped: …` marks it skipped). */
  run(world: StepWorld, body: z.output<Body>, index: number): Promise<string | undefined>;
  /** "update text_notes/note-1 on tablet": how reports and violations name the step. */
  describe(body: z.output<Body>): string;
  /** Weighted draws of the fuzzer's device-step stream (in registry order). */
  fuzz?: Array<[weight: number, draw: (fuzz: FuzzWorld) => void]>;
  /** An actor with a stream of its own, inserted after the device steps are drawn. */
  fuzzActor?: { stream: string; insert(fuzz: FuzzWorld, random: Random): void };
}

/** Keeps the kind's literal name and body type (for the typed union of steps). */
export function defineStep<const Name extends string, Body extends z.ZodType>(
  kind: StepKind<Name, Body>,
): StepKind<Name, Body> {
  return kind;
}

/** What a step can see and do: the simulated world, as the runner holds it. */
export interface StepWorld {
  readonly seed: number;
  readonly users: ReadonlyArray<{ name: string; realId: string }>;
  readonly ledger: Ledger;
  readonly writers: OtherWriters;
  /** What each `write` step did. */
  readonly otherWrites: OtherWriteReport[];
  /** Writes started without waiting (`wait: false`): all awaited before the heal. */
  readonly inFlight: Array<Promise<void>>;
  /**
   * Readable ids (`g3-alice-phone-0`) for generated records, or none (the store assigns one):
   * a scenario's devices are new every run, `run`'s live on between runs.
   */
  readonly readableIds: boolean;
  /** The world's clock (epoch ms) and the time since the start. */
  now(): number;
  at(): number;
  slotsFor(ref: string | string[]): DeviceSlot[];
  setMode(
    slot: DeviceSlot,
    mode: 'online' | 'refuse' | 'blackhole',
    options?: { cut?: boolean },
  ): Promise<void>;
  /** One sync pass of these devices (one by one, or together: the runner's choice). */
  sync(slots: DeviceSlot[]): Promise<void>;
  /**
   * Moves time forward, running background sync as it goes. False when it was cut short (the
   * world was interrupted: `run` stopped by Ctrl-C).
   */
  passTime(ms: number, onTick?: (elapsed: number) => Promise<void>): Promise<boolean>;
  /** Writes down a device's write for the judge. */
  recordWrite(
    slot: DeviceSlot,
    step: number,
    table: DataTable,
    id: string,
    kind: 'create' | 'update' | 'delete',
    fields: Record<string, unknown>,
  ): void;
  /** Writes down records a device created (their stored values) for the judge. */
  created(slot: DeviceSlot, step: number, table: DataTable, ids: string[]): void;
  event(slot: DeviceSlot, kind: TimelineEvent['kind'], detail: string): void;
  /** Checks expectations now (an `expect` step); failures are kept for the judge. */
  expectNow(expect: Expectations, index: number): Promise<string | undefined>;
  /** Writes down a pass run in a child process (`kill`): killed (what to report) or not (null). */
  childPass(slot: DeviceSlot, killed: string | null): void;
}

/** The fuzzer's drawing board: one seeded stream and the pieces every kind draws from. */
export interface FuzzWorld {
  random: Random;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** A random device target (`fuzz/phone`, sometimes `other/phone`). */
  device(): string;
  /** A record of the small shared pool, with ids of its own for the second user. */
  record(owner: string): { collection: 'text_notes' | 'health_data'; id: string };
  /** Random field values for an edit of this collection. */
  fields(collection: string): Record<string, unknown>;
  withSecondUser: boolean;
  /** Every device a step may name (`fuzz/phone`, …), for actors that draw their own. */
  targets: readonly string[];
  steps: Array<Record<string, unknown>>;
  /** The scenario's final expectations (the actors add to them). */
  expect: { parked?: Array<Record<string, unknown>> };
}
