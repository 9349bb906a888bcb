import fs from 'node:fs';
import type { Clock } from '../core/clock';
import type { Random } from '../core/random';
import type { MediaStore } from '../files/media-store';
import type { RemoteStore } from '../sync/remote-store';
import type { SimulatedNetwork } from './network';

/**
 * A simulated device's link on its virtual clock: the deadline of every remote call, the black
 * hole, latency, jitter, bandwidth and drops act on the device's clock, never on wall time, so one
 * file and seed give one report on an idle machine and on a loaded one, and a two-minute black
 * hole costs no wall time.
 *
 *   healthy or flaky link  the call goes to the real emulator and waits for its answer however
 *                          long the machine takes (virtual time stands still meanwhile); then the
 *                          device's clock is charged latency + jitter + bytes / bandwidth
 *   black hole             the call is sent (its bytes are held by the proxy and delivered when
 *                          the hole ends: a commit given up on may still land) and fails at once
 *                          with DEADLINE_EXCEEDED, the device's clock `deadlineMs` later; a call
 *                          waiting when a hole begins fails the same way
 *   drops                  a seeded draw per call: the connection is reset before the request
 *                          leaves (nothing reaches the server) or the reply is lost (it did)
 *
 * Draws are keyed by the call (its kind and what it names, and how often that call was made),
 * not by the order calls happen to finish in: collections sync concurrently, and the emulator's
 * speed must not decide who gets which draw.
 *
 * The one real-time bound left is `safetyMs`: an emulator that does not answer a call on a
 * healthy link within it (a stalled emulator, not a simulated fault) fails that call as
 * `EMULATOR_NOT_ANSWERING`, counted in `counts.emulatorStalls`, never silently.
 */
export interface LinkCounts {
  /** Calls failed by a black hole's deadline (on the virtual clock). */
  blackHoleDeadlines: number;
  /** Calls whose connection the flaky link reset (before the request, or losing the reply). */
  drops: number;
  /** Calls the real emulator did not answer within the real safety bound. */
  emulatorStalls: number;
}

export interface VirtualLinkOptions {
  clock: Clock;
  network: SimulatedNetwork;
  /** A call into a black hole fails after this much of the device's time. */
  deadlineMs: number;
  /** Real time a healthy call may take before the emulator is reported as not answering. */
  safetyMs: number;
  /** A seeded stream per call key (e.g. `commit/text_notes/n1#2`). */
  drawFor: (key: string) => Random;
}

export function sumLinkCounts(all: LinkCounts[]): LinkCounts {
  const sum: LinkCounts = { blackHoleDeadlines: 0, drops: 0, emulatorStalls: 0 };
  for (const counts of all)
    for (const key of Object.keys(sum) as Array<keyof LinkCounts>) sum[key] += counts[key];
  return sum;
}

type ErrorStyle = 'grpc' | 'media';

export const DEFAULT_SAFETY_MS = 60_000;

export class VirtualLink {
  readonly counts: LinkCounts = { blackHoleDeadlines: 0, drops: 0, emulatorStalls: 0 };
  private readonly occurrences = new Map<string, number>();
  /** Calls given up on that may still be under way (held in a black hole, or stalled). */
  private readonly abandoned = new Set<Promise<unknown>>();
  /** Calls waiting on the emulator: each fails at once when the link goes down under it. */
  private readonly waiting = new Set<(mode: 'blackhole' | 'refuse') => void>();

  constructor(private readonly options: VirtualLinkOptions) {
    options.network.onModeChange((mode) => {
      if (mode === 'online') return;
      for (const fail of [...this.waiting]) fail(mode);
    });
  }

  /** Calls given up on and not finished yet. */
  get unsettled(): number {
    return this.abandoned.size;
  }

  /**
   * Waits (real time, at most `ms`) for the calls given up on to finish: after a black hole ends,
   * what it held lands before the scenario goes on, so the next step sees the same server on
   * every replay. Returns how many are still under way.
   */
  async settle(ms = this.options.safetyMs): Promise<number> {
    if (this.abandoned.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.abandoned]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, ms);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    return this.abandoned.size;
  }

  remote(real: RemoteStore): RemoteStore {
    const findUnseen = real.findUnseen?.bind(real);
    const pullVersions = real.pullVersions?.bind(real);
    return {
      ...(pullVersions && {
        pullVersions: (...args: Parameters<typeof pullVersions>) =>
          this.call(
            `pull ${args[0]}`,
            `pull-versions/${args[0]}/${args[2] ? 'next' : 'first'}`,
            'grpc',
            args,
            () => pullVersions(...args),
          ),
      }),
      ...(findUnseen && {
        findUnseen: (...args: Parameters<typeof findUnseen>) =>
          this.call(`unseen check ${args[0]}`, `unseen/${args[0]}`, 'grpc', args, () =>
            findUnseen(...args),
          ),
      }),
      pullPage: (...args) =>
        this.call(
          `pull ${args[0]}`,
          // Not the cursor: it holds server times, which differ between runs.
          `pull/${args[0]}/${args[2] ? 'next' : 'first'}`,
          'grpc',
          args,
          () => real.pullPage(...args),
        ),
      getMany: (...args) =>
        this.call(`read ${args[0]}`, `read/${args[0]}/${args[1][0] ?? ''}`, 'grpc', args, () =>
          real.getMany(...args),
        ),
      commit: (...args) =>
        this.call(
          `commit ${args[0]}`,
          `commit/${args[0]}/${args[1][0]?.id ?? ''}/${args[1].length}`,
          'grpc',
          args,
          () => real.commit(...args),
        ),
      reportProgress: (...args) =>
        this.call('progress report', 'progress', 'grpc', args, () => real.reportProgress(...args)),
    };
  }

  media(real: MediaStore): MediaStore {
    const size = (file: string) => {
      try {
        return fs.statSync(file).size;
      } catch {
        return 0;
      }
    };
    return {
      stat: (path) =>
        this.call(`Storage stat ${path}`, `stat/${ownPath(path)}`, 'media', [ownPath(path)], () =>
          real.stat(path),
        ),
      uploadFile: (path, file, ...rest) =>
        this.call(`Storage upload ${path}`, `upload/${ownPath(path)}`, 'media', size(file), () =>
          real.uploadFile(path, file, ...rest),
        ),
      uploadBuffer: (path, bytes, ...rest) =>
        this.call(`Storage upload ${path}`, `upload/${ownPath(path)}`, 'media', bytes.length, () =>
          real.uploadBuffer(path, bytes, ...rest),
        ),
      download: (path, file) =>
        this.call(
          `Storage download ${path}`,
          `download/${ownPath(path)}`,
          'media',
          [ownPath(path)],
          async () => {
            await real.download(path, file);
            return undefined;
          },
        ).then(() => undefined),
      delete: (path) =>
        this.call(
          `Storage delete ${path}`,
          `delete/${ownPath(path)}`,
          'media',
          [ownPath(path)],
          () => real.delete(path),
        ),
    };
  }

  private async call<T>(
    what: string,
    key: string,
    style: ErrorStyle,
    request: unknown,
    start: () => Promise<T>,
  ): Promise<T> {
    const n = (this.occurrences.get(key) ?? 0) + 1;
    this.occurrences.set(key, n);
    const random = this.options.drawFor(`${key}#${n}`);
    const { clock, network } = this.options;
    if (network.currentMode === 'blackhole') {
      this.abandon(start()); // its bytes go into the hole: held, and delivered when it ends
      return this.expire(what, style);
    }
    const link = network.link;
    if (network.currentMode === 'refuse') {
      // A refused connection never reaches the server, so the call is not made: the SDKs' channels
      // retry a refused socket in real time (firebase-admin until the 60 s safety bound), which
      // cost minutes of wall time per soak run and made the run's errors depend on the machine.
      await clock.sleep(link.latencyMs);
      throw refused(what, style);
    }
    const dropped = random() < link.dropRate;
    const replyLost = random() < 0.5;
    const jitter = random() * link.jitterMs;
    const transfer = (bytes: number) =>
      link.bytesPerSecond ? (bytes / link.bytesPerSecond) * 1000 : 0;
    const sent = sizeOf(request);
    if (dropped && !replyLost) {
      this.counts.drops += 1;
      await clock.sleep(link.latencyMs + jitter);
      throw linkError(style, 'unavailable', `UNAVAILABLE: ${what}: connection reset (flaky link)`);
    }
    let value: T;
    try {
      value = await this.answer(what, style, start());
    } catch (error) {
      if (!(error as { blackHole?: boolean }).blackHole)
        await clock.sleep(link.latencyMs + jitter + transfer(sent));
      throw error;
    }
    await clock.sleep(link.latencyMs + jitter + transfer(sent + sizeOf(value)));
    if (dropped) {
      this.counts.drops += 1;
      throw linkError(
        style,
        'unavailable',
        `UNAVAILABLE: ${what}: connection reset, the reply was lost (flaky link)`,
      );
    }
    return value;
  }

  /** The real answer, however long it takes, unless a black hole begins or the emulator stalls. */
  private answer<T>(what: string, style: ErrorStyle, call: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(intoHole);
      };
      const intoHole = (mode: 'blackhole' | 'refuse') => {
        done();
        this.abandon(call); // it may still land: the device goes online only once it has settled
        if (mode === 'refuse') reject(refused(what, style, 'the connection was cut'));
        else this.expire(what, style).catch(reject);
      };
      const timer = setTimeout(() => {
        done();
        this.abandon(call);
        this.counts.emulatorStalls += 1;
        reject(
          linkError(
            style,
            'unavailable',
            `EMULATOR_NOT_ANSWERING: ${what} got no answer from the emulator within ${this.options.safetyMs} ms of real time on a healthy link (the machine or the emulator stalled; not a simulated fault)`,
          ),
        );
      }, this.options.safetyMs);
      timer.unref();
      this.waiting.add(intoHole);
      call.then(
        (value) => {
          done();
          resolve(value);
        },
        (error) => {
          done();
          reject(error);
        },
      );
    });
  }

  private async expire(what: string, style: ErrorStyle): Promise<never> {
    this.counts.blackHoleDeadlines += 1;
    await this.options.clock.sleep(this.options.deadlineMs);
    throw Object.assign(
      linkError(
        style,
        'deadline-exceeded',
        `DEADLINE_EXCEEDED: ${what} got no answer within ${this.options.deadlineMs} ms`,
      ),
      { blackHole: true },
    );
  }

  private abandon(call: Promise<unknown>): void {
    const tracked = call.then(
      () => undefined,
      () => undefined,
    );
    this.abandoned.add(tracked);
    void tracked.then(() => this.abandoned.delete(tracked));
  }
}

/** A Storage path without its user id (made unique per run), so keys repeat across runs. */
function ownPath(path: string): string {
  return path.replace(/^users\/[^/]+\//, '');
}

function refused(what: string, style: ErrorStyle, how = 'connection refused'): Error {
  return linkError(style, 'unavailable', `UNAVAILABLE: ${what}: ${how} (the device is offline)`);
}

const GRPC_CODES = { unavailable: 14, 'deadline-exceeded': 4 } as const;

function linkError(
  style: ErrorStyle,
  code: keyof typeof GRPC_CODES,
  message: string,
): Error & { code: number | string } {
  return Object.assign(new Error(message), {
    code: style === 'grpc' ? GRPC_CODES[code] : code,
  });
}

/**
 * Bytes a call puts on the wire, estimated from what it carries. Numbers count as one digit each:
 * server timestamps inside replies differ between runs, and a byte count must not.
 */
function sizeOf(payload: unknown): number {
  if (typeof payload === 'number') return payload;
  if (payload === undefined) return 0;
  try {
    return (
      JSON.stringify(payload, (_key, value) => {
        if (typeof value === 'number') return 0;
        if (value instanceof Map) return [...value.entries()];
        return value;
      })?.length ?? 0
    );
  } catch {
    return 0;
  }
}
