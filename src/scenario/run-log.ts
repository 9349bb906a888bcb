import type { ScenarioReport, TimelinePoint } from './run-scenario';

/** One line of a scenario's log: a step, a device's sync pass, or an event a pass met. */
export interface LogEntry extends TimelinePoint {
  source: 'step' | 'pass' | 'event';
  /** `step`, `pass`, or the event's kind (conflict, error, crash, cleanup, clock). */
  kind: string;
  device: string | null;
  detail: string;
}

/**
 * The steps, passes and events of a run in the order they happened: by the step they happened in
 * (`order`: before the steps, each step, the heal), then by virtual time; within that, a step
 * before its passes, passes before the events they met. Passes and events are recorded apart, so
 * two passes of one step at one instant list their events after both. Pure.
 */
export function logEntries(
  r: Pick<ScenarioReport, 'steps' | 'timeline'>,
  order: (point: TimelinePoint) => [number, number],
): LogEntry[] {
  const entries: LogEntry[] = [
    ...r.steps.map((s) => ({
      atMs: s.atMs,
      step: s.index,
      source: 'step' as const,
      kind: 'step',
      device: null,
      detail: s.status === 'skipped' ? `${s.label} (${s.note ?? 'skipped'})` : s.label,
    })),
    ...(r.timeline.passes ?? []).map((p) => ({
      ...p,
      source: 'pass' as const,
      kind: 'pass',
    })),
    ...r.timeline.events.map((e) => ({ ...e, source: 'event' as const })),
  ];
  const rank = { step: 0, pass: 1, event: 2 };
  const keyed = entries.map((entry, i) => ({
    entry,
    key: [...order(entry), rank[entry.source], i],
  }));
  keyed.sort((a, b) => {
    for (let k = 0; k < a.key.length; k += 1) if (a.key[k] !== b.key[k]) return a.key[k] - b.key[k];
    return 0;
  });
  return keyed.map((k) => k.entry);
}
