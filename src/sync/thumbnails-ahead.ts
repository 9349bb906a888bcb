/**
 * The photo thumbnails of one upload step, made ahead of the uploads that need them (issue 19):
 * a stage of its own that decodes the next photos while the upload slots stream originals, so a
 * slot finds its thumbnail ready instead of decoding a 12 MP JPEG before its first byte goes up.
 *
 * Bounded twice:
 *  - `concurrency` thumbnails are made at once. In Node, sharp decodes on libuv's threadpool (4
 *    threads unless UV_THREADPOOL_SIZE says otherwise), the very threads the uploads' file reads
 *    and checksums use (and, in the bench and tests, the in-process Storage emulator's writes):
 *    four decodes at once, as when each upload slot made its own, starve them. One at a time
 *    keeps the others free, and on a 2-core machine a second decode only competes for the CPU.
 *  - at most `ahead` thumbnails are made and not yet taken, so the memory held (a thumbnail is
 *    ~10 KB) and the work done for a pass that stops early stay small.
 *
 * The stage follows the order of `files`, the order the upload slots take them in. `take(i)`
 * hands over the thumbnail of `files[i]`, made or being made; if the stage has not reached it,
 * the caller waits for it in turn (a slot never decodes beside the stage).
 */
export interface ThumbnailsAheadOptions {
  concurrency: number;
  ahead: number;
}

/** Measured in the files bench (docs/bench.md): one decode at a time, up to 8 ahead. */
export const THUMBNAILS_AHEAD: ThumbnailsAheadOptions = { concurrency: 1, ahead: 8 };

interface Pending {
  promise: Promise<Uint8Array>;
  resolve(bytes: Uint8Array): void;
  reject(error: unknown): void;
}

export class ThumbnailsAhead {
  private readonly slots: Pending[];
  private started = 0;
  private running = 0;
  private taken = 0;

  constructor(
    private readonly files: readonly string[],
    private readonly make: (file: string) => Promise<Uint8Array>,
    private readonly options: ThumbnailsAheadOptions = THUMBNAILS_AHEAD,
  ) {
    if (!(options.concurrency >= 1 && options.ahead >= options.concurrency))
      throw new RangeError(
        `ThumbnailsAhead: concurrency must be at least 1 and ahead at least concurrency (got ${options.concurrency}, ${options.ahead})`,
      );
    this.slots = files.map(() => pending());
    this.pump();
  }

  /** The thumbnail of `files[index]`; each index is taken once. */
  take(index: number): Promise<Uint8Array> {
    const slot = this.slots[index];
    if (!slot) throw new RangeError(`ThumbnailsAhead: no file at ${index} of ${this.files.length}`);
    this.taken += 1;
    this.pump();
    return slot.promise;
  }

  private pump(): void {
    while (
      this.started < this.files.length &&
      this.running < this.options.concurrency &&
      this.started < this.taken + this.options.ahead
    ) {
      const index = this.started;
      this.started += 1;
      this.running += 1;
      const slot = this.slots[index];
      // Through a promise: a port that throws at once rejects this thumbnail, not the stage.
      Promise.resolve(this.files[index])
        .then((file) => this.make(file))
        .then(slot.resolve, slot.reject)
        .finally(() => {
          this.running -= 1;
          this.pump();
        });
    }
  }
}

function pending(): Pending {
  let resolve!: (bytes: Uint8Array) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<Uint8Array>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A record that fails before it asks for its thumbnail (a missing file) never awaits it.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
