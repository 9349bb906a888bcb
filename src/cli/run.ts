import type { Command } from 'commander';
import { systemClock } from '../core/clock';
import { openBackend } from '../emulators/backend';
import { savedStateDir } from '../emulators/saved-state';
import { listenForUnheard } from '../scenario/guard-run';
import { runSimulation } from '../scenario/run-simulation';
import {
  CRASH_POINTS,
  type CrashPoint,
  FAULT_KINDS,
  type FaultKind,
  type FaultModel,
} from '../simulate/fault-model';
import { HEALTHY_LINK } from '../simulate/fault-proxy';
import { freshStart } from '../simulate/fresh-start';
import { parseDuration, parseProbability } from './duration';
import { EXIT, UsageError } from './errors';
import { parseInteger } from './global-options';
import { addKnobOptions, parseKnobs } from './knob-options';
import { wrapAction } from './output';
import { printRunReport } from './print-run-report';
import { emulatorOutput, guardTarget } from './production-guard';
import { decideFor, parseRecordRate, parseSdk, parseStrategy } from './run-options';
import { saveScenario } from './save-scenario';
import { type Spinner, startSpinner } from './spinner';
import { stopOnSignal } from './stop-signal';
import { configuredNotice, throwawayNotice } from './throwaway-notice';

interface RunFlags {
  onlineFor: string;
  offlineFor: string;
  recordRate: string;
  editRate: string;
  deleteRate: string;
  untilStopped: boolean;
  timeout: string;
  failRate: string;
  failKinds: string;
  ackLostRate: string;
  latency: string;
  jitter: string;
  flaky: string;
  blackhole: boolean;
  strategy: string;
  answers?: string;
  devices: string;
  sdk?: string;
  deadline: string;
  crashAt?: string;
  bandwidth?: string;
  fresh: boolean;
  saveScenario?: string;
}

export function registerRunCommand(program: Command): void {
  addKnobOptions(program.command('run'))
    .description(
      'the main job: devices go offline, keep recording, come back online and sync until drained; prints a report',
    )
    .option('--online-for <duration>', 'stay online (syncing) this long first', '0s')
    .option('--offline-for <duration>', 'then stay offline this long while recording', '30s')
    .option(
      '--record-rate <rate>',
      'records each device creates while offline, e.g. 2/s, 120/min',
      '2/s',
    )
    .option(
      '--edit-rate <rate>',
      'edits of existing records each device makes while offline (the same records on every device, so they conflict), e.g. 1/s',
      '0',
    )
    .option(
      '--delete-rate <rate>',
      'deletes of existing records each device makes while offline, e.g. 10/min',
      '0',
    )
    .option(
      '--until-stopped',
      'repeat the online/offline cycle until Ctrl-C or SIGTERM, then drain and report',
      false,
    )
    .option('--timeout <duration>', 'give up draining after this long', '2m')
    .option(
      '--fail-rate <p>',
      'probability that a pull, push or upload call fails (injected); per operation: pull=0.1,push=0.3,upload=0.2',
      '0',
    )
    .option(
      '--fail-kinds <list>',
      `errors the injected failures are, comma-separated: ${FAULT_KINDS.join(', ')}`,
      'unavailable,deadline-exceeded,resource-exhausted',
    )
    .option(
      '--ack-lost-rate <p>',
      'probability that a push lands but its reply is lost (injected)',
      '0',
    )
    .option('--latency <ms>', 'network latency per chunk, e.g. 80ms', '0ms')
    .option('--jitter <ms>', 'extra random latency up to this much', '0ms')
    .option('--flaky <p>', 'probability that a connection is reset', '0')
    .option('--bandwidth <KB/s>', 'throttle the network to this many kilobytes per second')
    .option(
      '--fresh',
      "forget this user's devices and remote data first (databases, documents, files)",
      false,
    )
    .option(
      '--blackhole',
      'offline as a black hole (accepts, never answers) instead of connection refused',
      false,
    )
    .option(
      '--strategy <name>',
      'conflict strategy: local-wins, remote-wins, merge, ask-user',
      'remote-wins',
    )
    .option(
      '--answers <file>',
      'ask-user answers as JSON {"default": "merge", "records": {"<id>": "local"}}',
    )
    .option('--devices <n>', 'devices of the user recording and syncing at once', '1')
    .option(
      '--sdk <sdk>',
      "the devices' SDK: admin (firebase-admin), client (the app's SDK as the user, rules enforced), mixed (alternating); default: each device's own, remembered (admin when new)",
    )
    .option('--deadline <duration>', 'client deadline of each remote call', '10s')
    .option(
      '--crash-at <point>',
      `each device dies once at this point and restarts: ${CRASH_POINTS.join(', ')}`,
    )
    .option(
      '--save-scenario <file>',
      'write the run as a scenario file (YAML) that `scenario run FILE` replays',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync run --offline-for 30s\n  $ personalai-sync run --devices 2 --save-scenario run.yaml && personalai-sync scenario run run.yaml\n  $ personalai-sync --seed 7 run --offline-for 10s --fail-rate 0.3 --devices 3 --strategy merge\n  $ personalai-sync run --devices 2 --edit-rate 1/s --strategy ask-user\n  $ personalai-sync run --until-stopped --offline-for 20s   (Ctrl-C: drain, judge, report)\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as RunFlags;
        const faults: FaultModel = {
          failRate: parseFailRates(flags.failRate),
          kinds: parseFaultKinds(flags.failKinds),
          ackLostRate: parseProbability('--ack-lost-rate', flags.ackLostRate),
        };
        const strategy = parseStrategy(flags.strategy);
        const knobs = parseKnobs(flags as unknown as Record<string, unknown>);
        const sdk = flags.sdk === undefined ? undefined : parseSdk(flags.sdk, true);
        if (
          flags.crashAt !== undefined &&
          !(CRASH_POINTS as readonly string[]).includes(flags.crashAt)
        ) {
          throw new UsageError(
            `--crash-at must be one of ${CRASH_POINTS.join(', ')}; got "${flags.crashAt}".`,
          );
        }
        const deviceCount = parseInteger('--devices', flags.devices, 1);
        if (deviceCount > 100) throw new UsageError('--devices is at most 100.');
        // Ctrl-C at an ask-user prompt stops the run as a Ctrl-C signal does (bound once it listens).
        let interruptRun: () => void = () => process.kill(process.pid, 'SIGINT');
        // The spinner (started below) stands aside while a conflict is asked at the terminal.
        let spinner: Spinner | null = null;
        const decide = decideFor(strategy, flags.answers, () => interruptRun(), {
          pause: () => spinner?.pause(),
          resume: () => spinner?.resume(),
        });
        const timings = {
          onlineForMs: parseDuration('--online-for', flags.onlineFor),
          offlineForMs: parseDuration('--offline-for', flags.offlineFor),
          timeoutMs: parseDuration('--timeout', flags.timeout),
          deadlineMs: parseDuration('--deadline', flags.deadline),
        };
        const link = {
          ...HEALTHY_LINK,
          latencyMs: parseDuration('--latency', flags.latency, 'milliseconds'),
          jitterMs: parseDuration('--jitter', flags.jitter, 'milliseconds'),
          dropRate: parseProbability('--flaky', flags.flaky),
          bytesPerSecond:
            flags.bandwidth === undefined
              ? null
              : parseInteger('--bandwidth', flags.bandwidth, 1) * 1000,
        };
        const recordsPerSecond = parseRecordRate(flags.recordRate);
        const editsPerSecond = parseRecordRate(flags.editRate, '--edit-rate');
        const deletesPerSecond = parseRecordRate(flags.deleteRate, '--delete-rate');
        if (flags.untilStopped && flags.saveScenario !== undefined)
          throw new UsageError(
            '--save-scenario saves a timeline with an end; --until-stopped has none. Leave one out.',
          );
        const seed = options.seed ?? Math.floor(Date.now() % 2_147_483_647);
        const deviceIds =
          deviceCount === 1
            ? [options.device]
            : Array.from({ length: deviceCount }, (_, i) => `${options.device}-${i + 1}`);

        const emulator = await guardTarget(options, 'run');
        const progress = startSpinner(options, `seed ${seed}: starting`);
        spinner = progress;
        const backend = await openBackend({
          dataDir: options.dataDir,
          projectId: emulator.projectId,
          firestoreFlag: options.firestore,
          storageFlag: options.storage,
          stateDir: savedStateDir(options.dataDir),
          onEmulatorOutput: emulatorOutput(options),
        });
        if (backend.started.firestore && !options.quiet)
          process.stderr.write(`${throwawayNotice(options.dataDir, backend.saved)}\n`);
        const attached = configuredNotice(backend.configFile, backend.resolved);
        if (attached && !options.quiet) process.stderr.write(`${attached}\n`);
        // Whose data, on which devices, against which backend: the same for --fresh and the run.
        const target = {
          dataDir: options.dataDir,
          userId: options.user,
          deviceIds,
          projectId: backend.projectId,
          firestore: backend.firestore,
          storage: backend.storage,
        };
        try {
          if (flags.fresh) {
            const forgotten = await freshStart(target);
            progress.update(
              `fresh start: ${forgotten.documents} documents and ${forgotten.objects} files of ${options.user} removed`,
            );
          }
          // Ctrl-C or SIGTERM: the timeline stops where it is, the devices drain and are judged,
          // the report is printed (exit 130/143). A second one exits at once.
          const stopping = stopOnSignal(options.quiet ? null : process.stderr);
          interruptRun = stopping.interrupt;
          // A device that dies (--crash-at) or closes may leave firebase-admin work that rejects
          // later on its terminated client: harmless, and it must not kill the command.
          const guarded = await listenForUnheard(() =>
            runSimulation({
              ...target,
              seed,
              sdk,
              clock: systemClock,
              ...timings,
              recordsPerSecond,
              editsPerSecond,
              deletesPerSecond,
              untilStopped: flags.untilStopped,
              stop: stopping.signal,
              blackhole: flags.blackhole,
              strategy,
              knobs,
              decide,
              faults,
              link,
              seedIfEmpty: true,
              crashAt: (flags.crashAt as CrashPoint | undefined) ?? null,
              onTimeline: flags.saveScenario
                ? (scenario) => saveScenario(flags.saveScenario!, scenario)
                : undefined,
              onProgress: (p) =>
                progress.update(
                  `${p.phase} ${Math.round(p.elapsedMs / 1000)} s — recorded ${p.recorded}, pending ${p.pending}`,
                ),
            }),
          ).finally(() => stopping.release());
          progress.stop();
          const report = guarded.value;
          for (const unheard of guarded.others)
            process.stderr.write(
              `A promise of the run rejected with nobody handling it: ${unheard}\n`,
            );
          return {
            result: report,
            print: printRunReport,
            // Failures say more than the interruption; a clean run cut short says it was cut.
            exitCode:
              report.drained && report.invariants.holds && guarded.others.length === 0
                ? (stopping.exitCode() ?? EXIT.ok)
                : EXIT.failures,
          };
        } finally {
          progress.stop();
          await backend.stop();
        }
      }),
    );
}

export function parseFaultKinds(text: string): FaultKind[] {
  const kinds = text
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--fail-kinds takes a comma-separated list of ${FAULT_KINDS.join(', ')}; got "${text}".`,
    );
  }
  return kinds as FaultKind[];
}

/** `0.3` for every operation, or per operation: `pull=0.1,push=0.3,upload=0` (unnamed ones: 0). */
export function parseFailRates(text: string): FaultModel['failRate'] {
  if (!text.includes('=')) {
    const rate = parseProbability('--fail-rate', text);
    return { pull: rate, push: rate, upload: rate };
  }
  const rates = { pull: 0, push: 0, upload: 0 };
  for (const part of text.split(',')) {
    const [name, value, ...extra] = part.split('=').map((s) => s.trim());
    if (!Object.hasOwn(rates, name))
      throw new UsageError(`--fail-rate: "${name}" is not an operation; use pull, push or upload.`);
    if (extra.length > 0)
      throw new UsageError(`--fail-rate: "${part.trim()}" is not NAME=RATE (e.g. push=0.3).`);
    rates[name as keyof typeof rates] = parseProbability(`--fail-rate ${name}`, value ?? '');
  }
  return rates;
}
