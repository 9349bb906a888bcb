import { z } from 'zod';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import type { ConflictStrategy } from '../sync/conflict-resolver';
import { KNOB_BOUNDS, knobProblem, type SyncKnob, type SyncKnobs } from '../sync/sync-knobs';
import { Collection, Strategy } from './steps/fields';

/**
 * Settings a scenario gives the whole fleet and a device may override: the conflict strategy
 * (one for every collection, or per collection) and the engine's knobs (pull page size, push
 * batch size, commits in flight).
 */

/** `merge`, or `{ text_notes: merge, health_data: remote-wins }` (others: remote-wins). */
export const StrategySetting = z.union([Strategy, z.partialRecord(Collection, Strategy)]).meta({
  description:
    'A conflict strategy for every collection, or one per collection (the collections not named keep the strategy they had: remote-wins unless set earlier).',
});
export type StrategySettingValue = ConflictStrategy | Partial<Record<DataTable, ConflictStrategy>>;
/** A strategy for each collection: what a device holds once its settings are resolved. */
export type StrategyMap = Record<DataTable, ConflictStrategy>;

/** The strategy a collection gets from a setting (a collection it does not name: remote-wins). */
export function strategyFor(setting: StrategySettingValue, table: DataTable): ConflictStrategy {
  return typeof setting === 'string' ? setting : (setting[table] ?? 'remote-wins');
}

/**
 * `over` applied on top of `base`: a single strategy replaces everything; a map changes only the
 * collections it names.
 */
export function overlayStrategy(
  base: StrategySettingValue,
  over: StrategySettingValue | undefined,
): StrategySettingValue {
  if (over === undefined) return base;
  if (typeof over === 'string') return over;
  const merged = Object.fromEntries(
    DATA_TABLES.map((t) => [t, over[t] ?? strategyFor(base, t)]),
  ) as StrategyMap;
  // Every collection on one strategy reads back as that strategy.
  const values = new Set(Object.values(merged));
  return values.size === 1 ? [...values][0] : merged;
}

/** How reports name a setting: `merge`, or `text_notes: merge, health_data: local-wins`. */
export function describeStrategy(setting: StrategySettingValue): string {
  if (typeof setting === 'string') return setting;
  return Object.entries(setting)
    .map(([t, s]) => `${t}: ${s}`)
    .join(', ');
}

const knob = (name: SyncKnob, description: string) =>
  z
    .number()
    .superRefine((value, ctx) => {
      const problem = knobProblem(name, value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({
      description: `${description} (${KNOB_BOUNDS[name].min}–${KNOB_BOUNDS[name].max}).`,
    })
    .optional();

/** The engine's knobs as a scenario spells them; absent: the engine's defaults. */
export const KNOB_FIELDS = {
  /** Documents per pull query (engine default 5000). */
  pageSize: knob('pageSize', 'Documents per pull query; the engine default is 5000'),
  /** Records per push commit (engine default 500, Firestore's limit). */
  batchSize: knob(
    'batchSize',
    "Records per push commit; the engine default is 500, Firestore's limit",
  ),
  /** Push commits in flight at once (engine default 4). */
  commitsInFlight: knob('maxInFlight', 'Push commits in flight at once; the engine default is 4'),
};

export interface KnobSpec {
  pageSize?: number;
  batchSize?: number;
  commitsInFlight?: number;
}

/** A scenario with these engine knobs at the top (`scenario run --page-size …`); others kept. */
export function withKnobs<S extends KnobSpec>(scenario: S, knobs: SyncKnobs): S {
  return {
    ...scenario,
    pageSize: knobs.pageSize ?? scenario.pageSize,
    batchSize: knobs.batchSize ?? scenario.batchSize,
    commitsInFlight: knobs.maxInFlight ?? scenario.commitsInFlight,
  };
}

/** A device's knobs: its own, else the scenario's, as the engine names them. */
export function engineKnobs(scenario: KnobSpec, device: KnobSpec): SyncKnobs {
  return {
    pageSize: device.pageSize ?? scenario.pageSize,
    batchSize: device.batchSize ?? scenario.batchSize,
    maxInFlight: device.commitsInFlight ?? scenario.commitsInFlight,
  };
}
