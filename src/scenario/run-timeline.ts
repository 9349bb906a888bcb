import type { Sdk } from '../core/sdk';
import { DATA_TABLES } from '../db/schema-current';
import { DEFAULT_DAY } from '../simulate/data-generator';
import { HEALTHY_LINK } from '../simulate/fault-proxy';
import type { ScenarioInput } from './format';
import type { RunOptions, RunProgress } from './run-simulation';

type StepInput = NonNullable<ScenarioInput['steps']>[number];

/**
 * `run`'s settings as a timeline: the scenario `run` is, step by step, so that it runs on the
 * scenario runner and can be saved as a file (`run --save-scenario`) that `scenario run` replays.
 *
 *   faults, a bad link, an armed crash      (each only if asked for; they last the whole run)
 *   generate a default day                  (on devices that have no records yet)
 *   sync all, then advance --online-for     (background sync every tick while online)
 *   offline all (refused, or a black hole)
 *   generate at --record-rate               (a black-holed device keeps trying to sync)
 *     or churn: create, edit, delete at      (--edit-rate, --delete-rate: edits of records the
 *     their rates                             devices share, so they conflict)
 *   online all                              (then the drain, and the checker)
 *
 * From `sync all` on, the steps are one online/offline cycle, which `run --until-stopped` repeats.
 *
 * Pure: what `run` does is decided here, before anything runs.
 */
export interface RunTimeline {
  scenario: ScenarioInput;
  /** The user's and each device's name in the scenario (the ids where they are valid names). */
  userName: string;
  deviceNames: string[];
  /** Each step's phase, for progress. */
  phases: Array<RunProgress['phase']>;
  /** The steps that seeded empty devices, and the one that records offline (-1: none). */
  seedSteps: number[];
  recordingStep: number;
  /** Where the online/offline cycle begins: steps from here to the end are one cycle. */
  cycleStart: number;
}

export function runTimeline(
  options: Omit<RunOptions, 'clock' | 'onProgress' | 'onTimeline'> & {
    /** Each device's SDK as it opened (a saved timeline replays on the same SDKs). */
    sdks?: Sdk[];
  },
  emptyDevices: string[],
  tickMs: number,
): RunTimeline {
  const { userName, deviceNames } = runNames(options.userId, options.deviceIds);
  const named = (ids: string[]) => ids.map((id) => deviceNames[options.deviceIds.indexOf(id)]);
  const steps: StepInput[] = [];
  const phases: RunTimeline['phases'] = [];
  const add = (phase: RunProgress['phase'], step: Record<string, unknown>) => {
    steps.push(step as StepInput);
    phases.push(phase);
    return steps.length - 1;
  };
  const { faults, link } = options;
  const { pull, push, upload } = faults.failRate;
  if (pull > 0 || push > 0 || upload > 0 || faults.ackLostRate > 0)
    add('seeding', {
      faults: {
        device: 'all',
        failRate: pull === push && push === upload ? pull : { pull, push, upload },
        ackLostRate: faults.ackLostRate,
        kinds: faults.kinds,
      },
    });
  if (JSON.stringify(link) !== JSON.stringify(HEALTHY_LINK))
    add('seeding', {
      flaky: {
        device: 'all',
        dropRate: link.dropRate,
        latency: link.latencyMs,
        jitter: link.jitterMs,
        bytesPerSecond: link.bytesPerSecond,
      },
    });
  if (options.crashAt) add('seeding', { crash: { device: 'all', at: options.crashAt } });
  const seedSteps = emptyDevices.length
    ? DATA_TABLES.map((table) =>
        add('seeding', {
          generate: {
            device: emptyDevices.length === options.deviceIds.length ? 'all' : named(emptyDevices),
            count: DEFAULT_DAY[table],
            collection: table,
            over: '1d',
          },
        }),
      )
    : [];
  const cycleStart = add('online', { sync: 'all' });
  if (options.onlineForMs > 0) add('online', { advance: options.onlineForMs });
  add('offline', { offline: { device: 'all', mode: options.blackhole ? 'blackhole' : 'refuse' } });
  // Records each device makes while offline, at the rate, as time passes; the rest of the
  // offline time (less than one record's worth) passes after them.
  const perMs = options.recordsPerSecond / 1000;
  const count = Math.floor(perMs * options.offlineForMs + 1e-9);
  let recordingStep = -1;
  let recordedForMs = 0;
  const edits = options.editsPerSecond ?? 0;
  const deletes = options.deletesPerSecond ?? 0;
  if ((edits > 0 || deletes > 0) && options.offlineForMs > 0) {
    // One step does all three over the whole offline time, so they happen side by side.
    recordingStep = add('offline', {
      churn: {
        device: 'all',
        for: options.offlineForMs,
        ...(options.recordsPerSecond > 0 ? { create: options.recordsPerSecond } : {}),
        ...(edits > 0 ? { edit: edits } : {}),
        ...(deletes > 0 ? { delete: deletes } : {}),
      },
    });
    recordedForMs = options.offlineForMs;
  } else if (count > 0) {
    recordingStep = add('offline', {
      generate: { device: 'all', count, rate: options.recordsPerSecond },
    });
    recordedForMs = Math.ceil(count / perMs);
  }
  if (options.offlineForMs > recordedForMs)
    add('offline', { advance: options.offlineForMs - recordedForMs });
  add('draining', { online: 'all' });
  return {
    scenario: {
      name: `run (seed ${options.seed})`,
      description: `personalai-sync run, as a timeline: ${options.deviceIds.length} device(s), online ${options.onlineForMs} ms, offline ${options.offlineForMs} ms at ${options.recordsPerSecond} records/s${edits > 0 || deletes > 0 ? `, ${edits} edits/s and ${deletes} deletes/s` : ''}.`,
      seed: options.seed,
      strategy: options.strategy,
      pageSize: options.knobs?.pageSize,
      batchSize: options.knobs?.batchSize,
      commitsInFlight: options.knobs?.maxInFlight,
      files: options.storage !== null,
      background: tickMs,
      deadline: options.deadlineMs,
      users: [
        {
          id: userName,
          devices: deviceNames.map((id, i) =>
            options.sdks?.[i] === 'client' ? { id, sdk: 'client' as const } : id,
          ),
        },
      ],
      steps,
    },
    userName,
    deviceNames,
    phases,
    seedSteps,
    recordingStep,
    cycleStart,
  };
}

/**
 * The timeline's steps, with the cycle repeated without end when `untilStopped` (the runner stops
 * at the first step after an interrupt), and where step `index` falls in the timeline.
 */
export function timelineSteps<Step>(
  steps: Step[],
  cycleStart: number,
  untilStopped: boolean,
): { steps: Iterable<Step>; positionOf: (index: number) => number } {
  const cycle = steps.length - cycleStart;
  const positionOf = (index: number) =>
    index < steps.length ? index : cycleStart + ((index - cycleStart) % cycle);
  if (!untilStopped) return { steps, positionOf };
  return {
    steps: (function* () {
      yield* steps;
      for (;;) yield* steps.slice(cycleStart);
    })(),
    positionOf,
  };
}

/** The user's and the devices' names in the scenario (the ids, where they are valid names). */
export function runNames(
  userId: string,
  deviceIds: string[],
): { userName: string; deviceNames: string[] } {
  const deviceNames = deviceIds.map((id) => nameFor(id, 'device'));
  const unique = new Set(deviceNames).size === deviceNames.length;
  return {
    userName: nameFor(userId, 'user'),
    deviceNames: unique ? deviceNames : deviceIds.map((_, i) => `device-${i + 1}`),
  };
}

/**
 * A scenario names users and devices more strictly than ids are (letters, digits, - and _, at
 * most 40): an id that is not a valid name is named after it.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
function nameFor(id: string, kind: string): string {
  if (NAME.test(id)) return id;
  const name = id.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return NAME.test(name) ? name : `${kind}-${name}`.slice(0, 40).replace(/[-_]+$/, '') || kind;
}
