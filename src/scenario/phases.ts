import { describeStep } from './describe-step';
import { type HealPolicy, type HealResult, heal } from './heal';
import type { Simulation } from './simulation';
import { kindOf, type StepSpec } from './steps';

/** One step in the report: where it ran on the timeline, and what it noted. */
export interface StepReport {
  index: number;
  label: string;
  atMs: number;
  status: 'ok' | 'skipped';
  note?: string;
}

/**
 * The phases of a simulation, in order, as VOPR's `tick()` runs its own: the steps move the
 * world, the heal lets it settle, the judge reads it. `run` runs the same phases with its own
 * heal policy and judge (src/scenario/run-simulation.ts).
 */
export interface Phase {
  name: 'steps' | 'heal' | 'judge';
  run(sim: Simulation): Promise<void>;
}

export async function runPhases(sim: Simulation, phases: Phase[]): Promise<void> {
  for (const phase of phases) await phase.run(sim);
}

/**
 * The steps phase: each step in order, noted in the report; writes still in flight land last.
 * The steps may be endless (`run --until-stopped`): an interrupted world starts no further step.
 */
export function stepsPhase(
  steps: Iterable<StepSpec>,
  reports: StepReport[],
  onStep?: (index: number, label: string) => void,
): Phase {
  return {
    name: 'steps',
    async run(sim) {
      let index = -1;
      for (const step of steps) {
        index += 1;
        if (sim.interrupted) break;
        const label = describeStep(step, index);
        onStep?.(index, label);
        const atMs = sim.at();
        const { kind, body } = kindOf(step);
        sim.currentStep = index;
        const note = await kind.run(sim, body, index);
        reports.push({
          index,
          label,
          atMs,
          status: note?.startsWith('skipped') ? 'skipped' : 'ok',
          ...(note ? { note } : {}),
        });
        sim.sample();
      }
      sim.currentStep = null;
      // Another writer's commits still in flight land first: the heal and the judge see them.
      await Promise.all(sim.inFlight);
    },
  };
}

export function healPhase(policy: HealPolicy, done: (result: HealResult) => void): Phase {
  return { name: 'heal', run: async (sim) => done(await heal(sim, policy)) };
}
