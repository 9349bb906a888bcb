import type { ScenarioSpec } from './format';
import type { ScenarioReport } from './run-scenario';

type RunIdentity = { scenario: Pick<ScenarioSpec, 'name'>; file: string | null; seed: number };

/**
 * The last line of defence of a scenario run: whatever goes wrong inside it, the run ends with a
 * report (so --junit and --report are always written) and the process lives on.
 *
 * - A run that throws becomes a failed report with the invariant `run-completed` broken.
 * - A rejection nobody listened to while the run went on used to kill the whole process (Node's
 *   default). Those firebase-admin leaves behind when work of a device that was already closed
 *   (a crash step, a restart) reaches its terminated client are harmless: that device's state is
 *   read again from its database. They are counted, not fatal. Any other one breaks the
 *   invariant `no-unheard-errors` of the run it happened in.
 */

/** firebase-admin's message (CLIENT_TERMINATED_ERROR_MSG in @google-cloud/firestore's pool). */
const CLOSED_CLIENT = 'The client has already been terminated';

export interface GuardedRun {
  report: ScenarioReport;
  /** Late rejections of closed devices' Firestore clients, ignored. */
  closedClientRejections: number;
}

export async function guardRun(
  identity: RunIdentity,
  run: () => Promise<ScenarioReport>,
): Promise<GuardedRun> {
  const started = Date.now();
  const guarded = await listenForUnheard(async () => {
    try {
      return await run();
    } catch (error) {
      return diedReport(identity, describe(error), Date.now() - started);
    }
  });
  const { value: report, closedClientRejections, others } = guarded;
  if (others.length > 0) {
    report.passed = false;
    report.invariants.push({
      name: 'no-unheard-errors',
      description: 'no promise of the run rejected without anyone handling it',
      holds: false,
      count: others.length,
      violations: others.map((detail) => ({
        invariant: 'no-unheard-errors',
        record: null,
        device: null,
        step: null,
        detail,
      })),
    });
  }
  return { report, closedClientRejections };
}

/**
 * Runs `work` with a listener for rejections nobody handled while it ran (and one turn after):
 * closed devices' late firebase-admin rejections are counted, the others described. `run` uses
 * it too, so such a rejection cannot kill the command either.
 */
export async function listenForUnheard<T>(
  work: () => Promise<T>,
): Promise<{ value: T; closedClientRejections: number; others: string[] }> {
  let closedClientRejections = 0;
  const others: string[] = [];
  const listener = (reason: unknown) => {
    if (reason instanceof Error && reason.message === CLOSED_CLIENT) closedClientRejections += 1;
    else others.push(describe(reason));
  };
  process.on('unhandledRejection', listener);
  let value: T;
  try {
    value = await work();
  } finally {
    // Rejections left unheard surface on a later turn of the event loop: give them one.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', listener);
  }
  return { value, closedClientRejections, others };
}

/** The report of a run that threw before it could judge anything. */
function diedReport(identity: RunIdentity, error: string, wallMs: number): ScenarioReport {
  return {
    name: identity.scenario.name,
    file: identity.file,
    seed: identity.seed,
    passed: false,
    devices: [],
    sdks: {},
    otherWrites: [],
    virtualMs: 0,
    wallMs,
    steps: [],
    timeline: { samples: [], offline: [], events: [] },
    totals: {
      writes: 0,
      acknowledged: 0,
      passes: 0,
      conflicts: 0,
      syncErrors: 0,
      crashes: 0,
      acksLost: 0,
      faultsInjected: {},
      link: { blackHoleDeadlines: 0, drops: 0, emulatorStalls: 0 },
      healRounds: 0,
      drained: false,
    },
    invariants: [
      {
        name: 'run-completed',
        description: 'the run finished and was judged',
        holds: false,
        count: 1,
        violations: [
          { invariant: 'run-completed', record: null, device: null, step: null, detail: error },
        ],
      },
    ],
  };
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return String(reason);
}

/**
 * For the life of a command: a closed device's late firebase-admin rejection can arrive after its
 * run's guard has ended (a call held in a black hole settles while the emulators stop), and by
 * Node's default it would kill the command before it prints the report. Those are ignored; any
 * other unheard rejection still ends the process as Node's default does, unless a run's guard is
 * listening (it counts it against that run).
 */
export function ignoreLateClosedClientRejections(): void {
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof Error && reason.message === CLOSED_CLIENT) return;
    if (process.listenerCount('unhandledRejection') > 1) return; // a run's guard has it
    process.nextTick(() => {
      throw reason;
    });
  });
}
