import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { firstDepthAt } from '../../src/bench/pipe-timeline';
import { uniqueUserId as newUser, testClients } from '../helpers/backend';
import { type AdapterKind, useDevices } from '../helpers/device';
import { countWithStatus, queueSize, serverSnapshot } from '../helpers/inspect';
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
    const user = newUser();
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

describe.each<AdapterKind>(['sqlite', 'loki'])('lost update across chunks on %s', (adapter) => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter });
  const clients = testClients('push-pipe');
  afterEach(() => closeAll());
  afterAll(() => clients.close());

  it('an edit made after the push read a record, before its chunk left, reaches the server (defect 2 across chunks)', async () => {
    const user = newUser();
    let edit: (() => Promise<void>) | null = null;
    const a = await device(user, 'a', {
      batchSize: 1,
      maxInFlight: 1,
      wrapRemote: (real) =>
        interceptRemote(real, {
          async beforeCommit() {
            const once = edit;
            edit = null;
            await once?.();
          },
        }),
    });
    const [x, y] = await a.sync.store.create('text_notes', [
      { type: 'diary', title: 'x1', content: 'x' },
      { type: 'diary', title: 'y1', content: 'y' },
    ]);
    await a.sync.syncAll();
    await a.sync.store.update('text_notes', x, { title: 'x2' });
    await a.sync.store.update('text_notes', y, { title: 'y2' });
    // While the first chunk (x) is leaving, y (read with the pass's due changes, its queue row
    // saying "title") is edited in another field: its chunk has not been planned yet.
    edit = () => a.sync.store.update('text_notes', y, { content: 'y edited mid-push' });
    await a.sync.syncAll();
    await a.sync.syncAll();
    const server = await serverSnapshot(clients.firestore, user, ['text_notes']);
    expect(server.text_notes[y]).toMatchObject({ title: 'y2', content: 'y edited mid-push' });
    expect(server.text_notes[x]).toMatchObject({ title: 'x2' });
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
