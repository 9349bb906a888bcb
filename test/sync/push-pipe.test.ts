import { afterEach, describe, expect, it } from 'vitest';
import { firstDepthAt } from '../../src/bench/pipe-timeline';
import { uniqueUserId } from '../helpers/backend';
import { type AdapterKind, useDevices } from '../helpers/device';
import { countWithStatus, queueSize } from '../helpers/inspect';
import { interceptRemote } from '../helpers/intercept-remote';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The push's commit pipe (issue 19): a collection's due records are read and marked `syncing` in
 * one transaction, not one per 500-record chunk, so no commit waits in WatermelonDB's single
 * writer behind its siblings' marking.
 */
describe.each<AdapterKind>(['sqlite', 'loki'])('the push pipe on %s', (adapter) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter });
  afterEach(() => closeAll());

  it('marks every due record of a collection syncing before its first commit leaves, and settles them all', async () => {
    const user = uniqueUserId();
    const syncingAtCommit: number[] = [];
    let a: Awaited<ReturnType<typeof device>> | null = null;
    a = await device(user, 'a', {
      wrapRemote: (real) =>
        interceptRemote(real, {
          async beforeCommit(table) {
            if (a) syncingAtCommit.push(await countWithStatus(a, table, 'syncing'));
          },
        }),
    });
    const rows = Array.from({ length: 1200 }, (_, i) => ({
      data_type: 'steps',
      value: i,
      unit: 'count',
      source: 'phone',
      recorded_at: i,
    }));
    await a.sync.store.create('health_data', rows);
    const result = await a.sync.syncAll();
    expect(result.pushed).toBe(1200);
    expect(syncingAtCommit).toHaveLength(3);
    // All three chunks' records were marked before the first commit (one chunk's, 500, before).
    expect(syncingAtCommit[0]).toBe(1200);
    expect(await countWithStatus(a, 'health_data', 'synced')).toBe(1200);
    expect(await queueSize(a)).toBe(0);
  });
});

describe('the pipe timeline (src/bench/pipe-timeline.ts)', () => {
  const span = (leftMs: number, returnedMs: number) => ({
    table: 't',
    writes: 1,
    leftMs,
    returnedMs,
  });

  it('finds when a depth of commits was first in flight together, and never for a depth not reached', () => {
    const commits = [span(10, 50), span(20, 60), span(30, 70), span(40, 80), span(90, 95)];
    expect(firstDepthAt(commits, 1)).toBe(10);
    expect(firstDepthAt(commits, 4)).toBe(40);
    expect(firstDepthAt(commits, 5)).toBeNull();
  });

  it('does not count a commit returning at the instant another leaves as overlapping', () => {
    expect(firstDepthAt([span(0, 10), span(10, 20)], 2)).toBeNull();
  });
});
