import type { Clock } from '../core/clock';
import { DeviceReader } from '../judge/device-reader';
import { CommitLog } from '../simulate/commit-log';
import type { CrashPoint, FaultModel } from '../simulate/fault-model';
import { NO_FAULTS } from '../simulate/fault-model';
import { HEALTHY_LINK, type LinkFaults, type NetworkMode } from '../simulate/fault-proxy';
import {
  openSimulatedDevice,
  type SimulatedDevice,
  type SimulatedDeviceOptions,
} from '../simulate/simulated-device';
import type { Conflict, DecideFn, Decision } from '../sync/conflict-resolver';
import type { SyncResult } from '../sync/sync-manager';
import { overlayStrategy, type StrategySettingValue } from './device-settings';

/**
 * One device of a scenario across its lives: the settings the scenario gave it (network mode,
 * link faults, fault rates, strategy, ask-user answers) outlive a crash, so a restarted device
 * comes back exactly as configured. The process dying is the only thing a crash changes.
 * Scenarios and `run` alike hold their devices in slots.
 */
export interface SlotOptions
  extends Pick<
    SimulatedDeviceOptions,
    | 'dataDir'
    | 'userId'
    | 'deviceId'
    | 'projectId'
    | 'firestore'
    | 'storage'
    | 'seed'
    | 'sdk'
    | 'knobs'
    | 'defects'
  > {
  userName: string;
  /** The device's name in the scenario, when its id is not one (`run`'s ids are freer). */
  name?: string;
  /** This device's clock (a scenario's: its offset and drift over virtual time). */
  clock: Clock;
  /** One strategy, or one per collection. */
  strategy: StrategySettingValue;
  deadlineMs: number;
  askUserDefault?: Decision;
  /** Answers ask-user conflicts instead of the scenario's answers (`run --answers`, a prompt). */
  decide?: DecideFn;
  /**
   * Names the random streams of each life. A scenario gives each life a stream of its own, so a
   * restart does not replay the fault draws of the life before it; `run` keeps the device's own.
   */
  randomScope?: (key: string, life: number) => string | undefined;
}

export type SyncOutcome =
  | { kind: 'synced'; result: SyncResult; strategy: StrategySettingValue; answers: AnswerLog[] }
  | { kind: 'crashed'; point: CrashPoint; answers: AnswerLog[] };

export interface AnswerLog {
  table: string;
  id: string;
  decision: Decision | null;
}

export class DeviceSlot {
  readonly key: string;
  readonly clock: Clock;
  device!: SimulatedDevice;
  reader!: DeviceReader;
  mode: NetworkMode = 'online';
  /** The black hole cuts open connections (the old kind) instead of holding them. */
  cut = false;
  link: LinkFaults = HEALTHY_LINK;
  faults: FaultModel = NO_FAULTS;
  strategy: StrategySettingValue;
  readonly answers: Decision[] = [];
  /** Retention cleanups run here: records older than a cutoff may be missing on this device. */
  readonly cleanupCutoffs: number[] = [];
  /** Devices of earlier lives (crashed), kept for their network and fault counts. */
  readonly retired: SimulatedDevice[] = [];
  private answered: AnswerLog[] = [];
  /** What this device's engine committed, over all its lives (batched-writes). */
  readonly commitLog: CommitLog;

  constructor(readonly options: SlotOptions) {
    // A device whose batch size is 1 (a knob) sends one record a commit by design.
    this.commitLog = new CommitLog(options.knobs?.batchSize ?? null);
    this.key = `${options.userName}/${options.name ?? options.deviceId}`;
    this.clock = options.clock;
    this.strategy = options.strategy;
  }

  async open(): Promise<void> {
    const o = this.options;
    this.device = await openSimulatedDevice({
      dataDir: o.dataDir,
      userId: o.userId,
      deviceId: o.deviceId,
      projectId: o.projectId,
      sdk: o.sdk,
      firestore: o.firestore,
      storage: o.storage,
      seed: o.seed,
      randomScope: o.randomScope
        ? o.randomScope(this.key, this.retired.length)
        : `${this.key}/life-${this.retired.length}`,
      clock: this.clock,
      strategy: this.strategy,
      knobs: o.knobs,
      decide: (conflict) => {
        if (o.decide) return this.answerWith(o.decide, conflict);
        const decision = this.answers.shift() ?? o.askUserDefault ?? null;
        this.answered.push({ table: conflict.table, id: conflict.id, decision });
        if (!decision)
          throw new Error(
            `ask-user conflict on ${conflict.table}/${conflict.id} and no answer left: add an "answer" step or askUserDefault`,
          );
        return decision;
      },
      faults: this.faults,
      link: this.link,
      deadlineMs: o.deadlineMs,
      defects: o.defects,
      observeRemote: (remote) => this.commitLog.wrap(remote),
    });
    await this.device.network.setMode(this.mode, { cut: this.cut });
    this.reader ??= new DeviceReader(this.key, this.device.folders.databaseFile!);
  }

  private async answerWith(decide: DecideFn, conflict: Conflict): Promise<Decision> {
    const decision = await decide(conflict);
    this.answered.push({ table: conflict.table, id: conflict.id, decision });
    return decision;
  }

  async setMode(mode: NetworkMode, options: { cut?: boolean } = {}): Promise<void> {
    this.mode = mode;
    this.cut = mode === 'blackhole' && Boolean(options.cut);
    await this.device.network.setMode(mode, { cut: this.cut });
    // What a black hole held is delivered now (and calls it cut retry on the new connection):
    // they land before the scenario goes on, so the next step meets the same server on every
    // replay (real time, bounded by the link's safety bound; at once when nothing was held).
    if (mode === 'online') await this.device.link.settle();
  }

  setLink(link: LinkFaults): void {
    this.link = link;
    this.device.network.setFaults(link);
  }

  setFaults(faults: FaultModel): void {
    this.faults = faults;
    this.device.injector.setModel(faults);
  }

  /** The user changes the strategy setting: a map changes only the collections it names. */
  setStrategy(strategy: StrategySettingValue): void {
    this.strategy = overlayStrategy(this.strategy, strategy);
    this.device.sync.setStrategy(this.strategy);
  }

  /**
   * One sync pass. If the device dies at its armed crash point, it is opened again from its
   * database (what a killed app finds when it is started again) and the crash is reported.
   */
  async sync(): Promise<SyncOutcome> {
    const device = this.device;
    const strategy = this.strategy;
    this.answered = [];
    const running = device.sync.syncAll();
    // A dead process's pass never settles; its late failures are not anyone's business.
    running.catch(() => {});
    const outcome = await Promise.race([
      running.then((result) => ({ result })),
      device.injector.crashed.then((point) => ({ point })),
    ]);
    const answers = this.answered;
    this.commitLog.endPass();
    if ('result' in outcome) return { kind: 'synced', result: outcome.result, strategy, answers };
    await this.restart();
    return { kind: 'crashed', point: outcome.point, answers };
  }

  /** Closes the device (as the OS does to a killed or restarted app) and opens it again. */
  async restart(): Promise<void> {
    this.retired.push(this.device);
    await this.device.close().catch(() => {});
    await this.open();
  }

  async close(): Promise<void> {
    await this.device?.close().catch(() => {});
    this.reader?.close();
  }

  all(): SimulatedDevice[] {
    return [...this.retired, ...(this.device ? [this.device] : [])];
  }
}
