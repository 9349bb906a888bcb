import { describe, expect, it } from 'vitest';
import { ThumbnailsAhead } from '../../src/sync/thumbnails-ahead';

/** A thumbnail maker the test finishes by hand: which files were started, and their endings. */
function handMade() {
  const started: string[] = [];
  const endings = new Map<string, { resolve(b: Uint8Array): void; reject(e: unknown): void }>();
  const make = (file: string) =>
    new Promise<Uint8Array>((resolve, reject) => {
      started.push(file);
      endings.set(file, { resolve, reject });
    });
  const finish = async (file: string) => {
    endings.get(file)?.resolve(Buffer.from(`thumb of ${file}`));
    await settled();
  };
  return { started, endings, make, finish };
}

/** Lets every promise callback that is ready run (no timers, no clock). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

const FILES = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('thumbnails made ahead of the uploads', () => {
  it('makes one at a time, in order, before anyone asks, and stops `ahead` thumbnails ahead', async () => {
    const maker = handMade();
    const stage = new ThumbnailsAhead(FILES, maker.make, { concurrency: 1, ahead: 3 });
    await settled();
    expect(maker.started).toEqual(['a']);
    await maker.finish('a');
    await maker.finish('b');
    await maker.finish('c');
    // Three made and none taken: the stage waits for the uploads.
    expect(maker.started).toEqual(['a', 'b', 'c']);
    expect(Buffer.from(await stage.take(0)).toString()).toBe('thumb of a');
    await settled();
    expect(maker.started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never makes more than `concurrency` at once', async () => {
    const maker = handMade();
    const stage = new ThumbnailsAhead(FILES, maker.make, { concurrency: 2, ahead: 6 });
    await settled();
    expect(maker.started).toEqual(['a', 'b']);
    await maker.finish('b');
    expect(maker.started).toEqual(['a', 'b', 'c']);
    for (const f of ['a', 'c', 'd', 'e', 'f']) await maker.finish(f);
    const all = await Promise.all(FILES.map((_, i) => stage.take(i)));
    expect(all.map((b) => Buffer.from(b).toString())).toEqual(FILES.map((f) => `thumb of ${f}`));
  });

  it('a slot that asks before the stage reached its photo waits for it in turn', async () => {
    const maker = handMade();
    const stage = new ThumbnailsAhead(FILES, maker.make, { concurrency: 1, ahead: 1 });
    const second = stage.take(1);
    await settled();
    // Still one at a time, in order: the slot does not decode beside the stage.
    expect(maker.started).toEqual(['a']);
    await maker.finish('a');
    expect(maker.started).toEqual(['a', 'b']);
    await maker.finish('b');
    expect(Buffer.from(await second).toString()).toBe('thumb of b');
  });

  it('a photo whose thumbnail cannot be made rejects only its own take, and the stage goes on', async () => {
    const maker = handMade();
    const stage = new ThumbnailsAhead(FILES.slice(0, 3), maker.make, { concurrency: 1, ahead: 3 });
    await settled();
    maker.endings.get('a')?.reject(new Error('a cannot be decoded'));
    await settled();
    await maker.finish('b');
    await maker.finish('c');
    await expect(stage.take(0)).rejects.toThrow('a cannot be decoded');
    expect(Buffer.from(await stage.take(2)).toString()).toBe('thumb of c');
  });

  it('a thumbnail nobody takes (its record failed first) is no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      new ThumbnailsAhead(['gone'], async () => {
        throw Object.assign(new Error('ENOENT: gone'), { code: 'ENOENT' });
      });
      await settled();
      await settled();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a maker that throws at once rejects that thumbnail, not the stage', async () => {
    const stage = new ThumbnailsAhead(['x', 'y'], (file) => {
      if (file === 'x') throw new Error('x: thrown synchronously');
      return Promise.resolve(Buffer.from('y'));
    });
    await expect(stage.take(0)).rejects.toThrow('x: thrown synchronously');
    expect(Buffer.from(await stage.take(1)).toString()).toBe('y');
  });

  it('refuses bounds that could never make a thumbnail, and indexes it was not given', () => {
    const make = async () => Buffer.alloc(0);
    expect(() => new ThumbnailsAhead(FILES, make, { concurrency: 0, ahead: 1 })).toThrow(
      /concurrency must be at least 1/,
    );
    expect(() => new ThumbnailsAhead(FILES, make, { concurrency: 2, ahead: 1 })).toThrow(
      /ahead at least concurrency/,
    );
    expect(() => new ThumbnailsAhead(FILES, make).take(6)).toThrow(/no file at 6 of 6/);
  });
});
