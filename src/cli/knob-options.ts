import type { Command } from 'commander';
import { KNOB_BOUNDS, KNOB_DEFAULTS, knobProblem, type SyncKnobs } from '../sync/sync-knobs';
import { UsageError } from './errors';

/**
 * `--page-size`, `--batch-size`, `--commits-in-flight`: the engine's knobs, on every command that
 * syncs (sync, run, scenario run). Bounds and reasons come from src/sync/sync-knobs.ts.
 */
const FLAGS = [
  ['--page-size', 'pageSize', 'documents per pull query'],
  ['--batch-size', 'batchSize', 'records per push commit'],
  ['--commits-in-flight', 'maxInFlight', 'push commits in flight at once'],
] as const;

export function addKnobOptions(command: Command, defaultsFrom = 'the engine'): Command {
  for (const [flag, knob, what] of FLAGS) {
    const { min, max } = KNOB_BOUNDS[knob];
    command.option(
      `${flag} <n>`,
      `${what}, ${min}–${max} (default: ${defaultsFrom === 'the engine' ? KNOB_DEFAULTS[knob] : defaultsFrom})`,
    );
  }
  return command;
}

/** The knobs given on the command line (absent ones stay absent), or a usage error. */
export function parseKnobs(flags: Record<string, unknown>): SyncKnobs {
  const knobs: SyncKnobs = {};
  for (const [flag, knob] of FLAGS) {
    const name = flag.slice(2).replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
    const text = flags[name];
    if (text === undefined) continue;
    const value = /^-?\d+(\.\d+)?$/.test(String(text)) ? Number(text) : Number.NaN;
    const problem = Number.isNaN(value) ? 'must be a whole number' : knobProblem(knob, value);
    if (problem)
      throw new UsageError(`${flag} ${problem}${Number.isNaN(value) ? `; got "${text}"` : ''}.`);
    knobs[knob] = value;
  }
  return knobs;
}
