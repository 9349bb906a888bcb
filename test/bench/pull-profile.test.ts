import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryPullRemote, pullProfileRun } from '../../src/bench/pull-profile';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The in-process pull profiler (src/bench/pull-profile.ts) measures the engine's own part of a
 * first pull; its figures in docs/bench.md mean something only if it pages as the Firestore
 * remote does and the engine really pulls every document.
 */
describe('pull-profile', () => {
  const tempDir = useTempDir();

  it('pages in (server time, id) order after a cursor, every document once', async () => {
    const remote = memoryPullRemote(1000); // 200 a collection
    const seen: string[] = [];
    let after = null;
    for (;;) {
      const page = await remote.pullPage('text_notes', 'any', after, 64);
      seen.push(...page.docs.map((d) => d.id));
      if (page.docs.length < 64) break;
      const last = page.docs[page.docs.length - 1];
      after = { time: last.serverTime!, id: last.id };
    }
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
  });

  it('pulls every document into an empty SQLite device and reports its CPU', async () => {
    const run = await pullProfileRun(path.join(tempDir(), 'run'), 1200);
    expect(run.records).toBe(1200);
    expect(run.cpuMs).toBeGreaterThan(0);
    expect(run.cpuMsPer10k).toBeCloseTo((run.cpuMs * 10_000) / 1200);
  });
});
