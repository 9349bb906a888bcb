import { formatDurationShort } from '../core/units';
import type { ScenarioReport, TimelinePoint } from './run-scenario';

type Report = Pick<ScenarioReport, 'steps' | 'timeline' | 'virtualMs'>;
type Window = ScenarioReport['timeline']['offline'][number];

/**
 * The x axis of a scenario's timelines, as fractions of the plot's width (0 = left, 1 = right).
 *
 * Virtual time is the natural axis, but steps that move no time (create, update, sync) all run at
 * one instant: scenarios/edit-during-push.yaml has every step at t=0, so a time axis draws its
 * queue lengths as a flat line at 0 and stacks its markers on one point. When most steps share
 * their instant with another, the axis is the steps instead: one slot a step, in order, and a last
 * slot for the heal (by time within it); what happened in a step (recorded with its index) spreads
 * evenly over the step's slot, in the order it happened. Pure.
 */
export interface TimelineAxis {
  kind: 'time' | 'step';
  /** Said on the chart: "virtual time" or "by step (…)". */
  title: string;
  /** The last virtual instant drawn (the right edge on the time axis). */
  endMs: number;
  /**
   * Where each point goes, in order. 'spread': the points of one step spread over its slot;
   * 'end' (samples: state after): the first of a step at its slot's start.
   */
  place(points: readonly TimelinePoint[], at?: 'spread' | 'end'): number[];
  /** Where an offline window starts and ends. */
  span(window: Window): [number, number];
  ticks: Array<{ at: number; label: string }>;
  /** Slot boundaries (step axis only), drawn as faint lines. */
  bounds: number[];
  /** A point in words, as the log's "when": "#3", "heal 1m", "15m", "15m (#3)". */
  where(point: TimelinePoint): string;
  /** Sort key that puts a point in the run's order: before the steps, each step, the heal. */
  order(point: TimelinePoint): [number, number];
}

/** The step axis is used when more than half of the steps share their instant with another. */
export function usesStepAxis(steps: Report['steps']): boolean {
  if (steps.length < 2) return false;
  const perInstant = new Map<number, number>();
  for (const s of steps) perInstant.set(s.atMs, (perInstant.get(s.atMs) ?? 0) + 1);
  let sharing = 0;
  for (const s of steps) if (perInstant.get(s.atMs)! > 1) sharing += 1;
  return sharing > steps.length / 2;
}

export function timelineAxis(r: Report): TimelineAxis {
  const { samples, offline, events, passes = [] } = r.timeline;
  let endMs = Math.max(1, r.virtualMs);
  for (const s of samples) endMs = Math.max(endMs, s.atMs);
  for (const o of offline) endMs = Math.max(endMs, o.toMs);
  for (const e of events) endMs = Math.max(endMs, e.atMs);
  const steps = r.steps;
  const lastStepMs = steps.length > 0 ? steps[steps.length - 1].atMs : 0;
  // Reports recorded with step indices leave them off only before the steps and in the heal;
  // older ones have none, and a point's step is then the last one started by its time.
  const tagged = [...samples, ...events, ...passes].some((p) => p.step !== undefined);
  const stepOf = (p: TimelinePoint): number | 'before' | 'heal' => {
    if (p.step !== undefined) return p.step;
    if (tagged) return 'heal';
    if (p.atMs > lastStepMs) return 'heal';
    let found: number | 'before' = 'before';
    for (const s of steps) if (s.atMs <= p.atMs) found = s.index;
    return found;
  };
  const order = (p: TimelinePoint): [number, number] => {
    const slot = stepOf(p);
    return [slot === 'before' ? -1 : slot === 'heal' ? steps.length : slot, p.atMs];
  };

  if (!usesStepAxis(steps)) {
    const step = tickStep(endMs);
    const ticks: TimelineAxis['ticks'] = [];
    for (let t = 0; t <= endMs; t += step)
      ticks.push({ at: t / endMs, label: formatDurationShort(t) });
    const x = (ms: number) => Math.min(Math.max(ms, 0), endMs) / endMs;
    return {
      kind: 'time',
      title: 'virtual time',
      endMs,
      place: (points) => points.map((p) => x(p.atMs)),
      span: (o) => [x(o.fromMs), x(o.toMs)],
      ticks,
      bounds: [],
      where: (p) =>
        `${formatDurationShort(p.atMs)}${p.step !== undefined ? ` (#${p.step + 1})` : ''}`,
      order,
    };
  }

  // n step slots and one for the heal, each 1/(n+1) wide.
  const n = steps.length;
  const width = 1 / (n + 1);
  const healX = (ms: number) => {
    const span = endMs - lastStepMs;
    const within = span > 0 ? (Math.min(Math.max(ms, lastStepMs), endMs) - lastStepMs) / span : 1;
    return (n + within) * width;
  };
  const place = (points: readonly TimelinePoint[], at: 'spread' | 'end' = 'spread') => {
    const slots = points.map(stepOf);
    // Samples (placed at 'end') start with the one taken as the devices opened, before any step.
    if (tagged && at === 'end')
      for (let i = 0; i < points.length && points[i].step === undefined; i += 1)
        slots[i] = 'before';
    const perSlot = new Map<number, number>();
    for (const s of slots) if (typeof s === 'number') perSlot.set(s, (perSlot.get(s) ?? 0) + 1);
    const seen = new Map<number, number>();
    return points.map((p, i) => {
      const slot = slots[i];
      if (slot === 'before') return 0;
      if (slot === 'heal') return healX(p.atMs);
      const m = perSlot.get(slot)!;
      const j = seen.get(slot) ?? 0;
      seen.set(slot, j + 1);
      // A sample is the state after what came before it, held until the next one: the first of a
      // step starts its slot, so a step's slot shows the queue after it (its last sample's value
      // holds to the slot's end).
      const within = at === 'end' ? j / m : (j + 1) / (m + 1);
      return (slot + within) * width;
    });
  };
  const every = Math.max(1, Math.ceil(n / 30));
  const ticks = steps
    .filter((_, i) => i % every === 0)
    .map((s) => ({ at: (s.index + 0.5) * width, label: `#${s.index + 1}` }));
  ticks.push({ at: (n + 0.5) * width, label: 'heal' });
  const windowEdge = (step: number | undefined, ms: number) =>
    step !== undefined ? (step + 0.5) * width : ms > lastStepMs || tagged ? healX(ms) : 0;
  return {
    kind: 'step',
    title: `by step (${sharedCount(steps)} of ${n} steps share a virtual instant; the heal by time)`,
    endMs,
    place,
    span: (o) => [windowEdge(o.fromStep, o.fromMs), windowEdge(o.toStep, o.toMs)],
    ticks,
    bounds: Array.from({ length: n }, (_, i) => (i + 1) * width),
    where: (p) => {
      const slot = stepOf(p);
      if (slot === 'heal') return `heal ${formatDurationShort(p.atMs)}`;
      if (slot === 'before') return 'start';
      return `#${slot + 1}`;
    },
    order,
  };
}

function sharedCount(steps: Report['steps']): number {
  const perInstant = new Map<number, number>();
  for (const s of steps) perInstant.set(s.atMs, (perInstant.get(s.atMs) ?? 0) + 1);
  return steps.filter((s) => perInstant.get(s.atMs)! > 1).length;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TICK_STEPS = [
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500],
  ...[1, 2, 5, 10, 15, 30].map((n) => n * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
  ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
  ...[1, 2, 7, 14, 30].map((n) => n * DAY),
];

/** A "nice" tick step (1m, 15m, 6h, …) for at most 8 ticks. */
function tickStep(endMs: number): number {
  return TICK_STEPS.find((s) => endMs / s <= 8) ?? Math.ceil(endMs / 8 / (30 * DAY)) * 30 * DAY;
}
