import type { Random } from '../core/random';
import type { MediaStore } from '../files/media-store';
import type { RemoteStore } from '../sync/remote-store';
import { type PushTrigger, type PushTriggerReport, PushTriggers } from './push-trigger';

/**
 * Faults above the wire: the errors the app meets from Firebase, drawn per operation from one
 * seeded source. A documented options object; each fault is a one-line draw.
 *
 *   failRate      probability that a pull, push or upload call fails (before reaching the server)
 *   kinds         which errors those failures are (gRPC codes as firebase-admin reports them)
 *   ackLostRate   probability that a push reaches the server and its reply is lost
 */
export const FAULT_KINDS = [
  'unavailable',
  'deadline-exceeded',
  'resource-exhausted',
  'permission-denied',
  'invalid-argument',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultModel {
  failRate: { pull: number; push: number; upload: number };
  kinds: FaultKind[];
  ackLostRate: number;
}

export const NO_FAULTS: FaultModel = {
  failRate: { pull: 0, push: 0, upload: 0 },
  kinds: ['unavailable'],
  ackLostRate: 0,
};

const GRPC: Record<FaultKind, number> = {
  unavailable: 14,
  'deadline-exceeded': 4,
  'resource-exhausted': 8,
  'permission-denied': 7,
  'invalid-argument': 3,
};

export interface FaultCounts {
  injected: Record<string, number>;
  acksLost: number;
  crashes: number;
}

/**
 * Named points between the steps of a sync where the device process can die. At a crash point
 * the call never returns (nothing after it runs, as in a killed process) and `crashed` resolves,
 * so the simulator can restart the device from its durable state.
 */
export const CRASH_POINTS = [
  'before-remote-write',
  'after-remote-write',
  'after-pull',
  'after-upload',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export class FaultInjector {
  readonly counts: FaultCounts = { injected: {}, acksLost: 0, crashes: 0 };
  /** What the engine asked of the wire (the knobs show here: page limits, commit sizes). */
  readonly wire = { pulls: 0, largestPageLimit: 0, commits: 0, largestCommit: 0 };
  /** Resolves when the device dies at its armed crash point. */
  readonly crashed: Promise<CrashPoint>;
  private signalCrash: (point: CrashPoint) => void = () => {};
  private readonly pushTriggers = new PushTriggers();

  private readonly occurrences = new Map<string, number>();

  /**
   * `drawFor`: a seeded stream per call (keyed by what the call is and how often it came), so
   * which commit fails or loses its reply does not depend on the order parallel pushes finish in
   * (under load it did: one replay pushed 2 records in a pass, the next 30). Without it, one
   * stream in call order.
   */
  constructor(
    private model: FaultModel,
    private readonly random: Random,
    private crashAt: CrashPoint | null = null,
    private readonly drawFor?: (key: string) => Random,
  ) {
    this.crashed = new Promise((resolve) => {
      this.signalCrash = resolve;
    });
  }

  /** New fault rates from now on (scenario steps change them while the device runs). */
  setModel(model: FaultModel): void {
    this.model = model;
  }

  /** Arms a crash point (a device dies once; the simulator then opens a new device). */
  arm(point: CrashPoint | null): void {
    this.crashAt = point;
  }

  /**
   * Runs `action` once, when the next push of `table` has read its records and is about to
   * write them: what the user does on the phone while a push is in flight (the lost-update race).
   * null disarms it.
   */
  duringNextPush(table: string, action: (() => Promise<void>) | null): void {
    this.atPush(action ? { table, batch: 1, when: 'before-commit', action } : null);
  }

  /**
   * Arms a trigger at commit N of a table's push, before it is sent or after it is acknowledged
   * (src/simulate/push-trigger.ts); null disarms. Returns what became of the trigger it replaces.
   */
  atPush(trigger: PushTrigger | null): PushTriggerReport {
    return this.pushTriggers.arm(trigger);
  }

  /** Dies here if this is the armed crash point (once). */
  private async maybeCrash(point: CrashPoint): Promise<void> {
    if (this.crashAt !== point) return;
    this.crashAt = null;
    this.counts.crashes += 1;
    this.signalCrash(point);
    await new Promise<never>(() => {});
  }

  /** The stream for one call: its own when keyed draws are on, else the shared one. */
  private streamFor(key: string): Random {
    if (!this.drawFor) return this.random;
    const n = (this.occurrences.get(key) ?? 0) + 1;
    this.occurrences.set(key, n);
    return this.drawFor(`${key}#${n}`);
  }

  shouldFail(operation: keyof FaultModel['failRate'], random: Random = this.random): boolean {
    return random() < this.model.failRate[operation];
  }

  shouldLoseAck(random: Random = this.random): boolean {
    return random() < this.model.ackLostRate;
  }

  error(operation: string, random: Random = this.random): Error {
    const kind = this.model.kinds[Math.floor(random() * this.model.kinds.length)];
    this.counts.injected[kind] = (this.counts.injected[kind] ?? 0) + 1;
    return Object.assign(new Error(`${kind.toUpperCase()}: injected fault on ${operation}`), {
      code: GRPC[kind],
    });
  }

  remote(real: RemoteStore): RemoteStore {
    return {
      pullPage: async (...args) => {
        const random = this.streamFor(`pull/${args[0]}/${args[2] ? 'next' : 'first'}`);
        if (this.shouldFail('pull', random)) throw this.error(`pull ${args[0]}`, random);
        this.wire.pulls += 1;
        this.wire.largestPageLimit = Math.max(this.wire.largestPageLimit, args[3]);
        const page = await real.pullPage(...args);
        if (page.docs.length > 0) await this.maybeCrash('after-pull');
        return page;
      },
      ...(real.pullVersions && {
        pullVersions: async (...args: Parameters<NonNullable<RemoteStore['pullVersions']>>) => {
          // The window's read by version is a pull like any other: same faults, same crash point.
          const random = this.streamFor(`pull-versions/${args[0]}/${args[2] ? 'next' : 'first'}`);
          if (this.shouldFail('pull', random)) throw this.error(`pull ${args[0]}`, random);
          this.wire.pulls += 1;
          this.wire.largestPageLimit = Math.max(this.wire.largestPageLimit, args[4]);
          const page = await real.pullVersions!(...args);
          if (page.docs.length > 0) await this.maybeCrash('after-pull');
          return page;
        },
      }),
      getMany: (...args) => real.getMany(...args),
      ...(real.findUnseen && { findUnseen: real.findUnseen.bind(real) }),
      reportProgress: (...args) => real.reportProgress(...args),
      commit: async (...args) => {
        const random = this.streamFor(
          `commit/${args[0]}/${args[1][0]?.id ?? ''}/${args[1].length}`,
        );
        if (this.shouldFail('push', random)) throw this.error(`push ${args[0]}`, random);
        const commitNumber = await this.pushTriggers.beforeCommit(args[0]);
        await this.maybeCrash('before-remote-write');
        this.wire.commits += 1;
        this.wire.largestCommit = Math.max(this.wire.largestCommit, args[1].length);
        const outcomes = await real.commit(...args);
        await this.maybeCrash('after-remote-write');
        if (this.shouldLoseAck(random)) {
          this.counts.acksLost += 1;
          throw Object.assign(
            new Error('DEADLINE_EXCEEDED: the write landed, its reply was lost (injected)'),
            { code: 4 },
          );
        }
        await this.pushTriggers.afterAck(args[0], commitNumber);
        return outcomes;
      },
    };
  }

  media(real: MediaStore): MediaStore {
    const failing =
      <A extends unknown[], T>(name: string, call: (...args: A) => Promise<T>) =>
      async (...args: A): Promise<T> => {
        // Keyed by the object's path without the user id (unique per run), as the link's draws are.
        const random = this.streamFor(`${name}/${String(args[0]).replace(/^users\/[^/]+\//, '')}`);
        if (this.shouldFail('upload', random)) throw this.error(name, random);
        const stored = await call(...args);
        await this.maybeCrash('after-upload');
        return stored;
      };
    return {
      stat: (path) => real.stat(path),
      download: (path, file) => real.download(path, file),
      delete: (path) => real.delete(path),
      uploadFile: failing('upload', (...args: Parameters<MediaStore['uploadFile']>) =>
        real.uploadFile(...args),
      ),
      uploadBuffer: failing('upload', (...args: Parameters<MediaStore['uploadBuffer']>) =>
        real.uploadBuffer(...args),
      ),
    };
  }
}
