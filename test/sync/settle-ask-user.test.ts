import { describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/core/clock';
import { testClients, uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { queueSize, serverSnapshot } from '../helpers/inspect';
import { interceptRemote } from '../helpers/intercept-remote';
import { useTempDir } from '../helpers/temp-dir';

/**
 * A pushed chunk is settled in one writer. Before the fix, the operations of the chunk's first
 * records were prepared, and then a later record's conflict awaited the ask-user decision: when
 * that answer takes real time (a person at the CLI prompt), WatermelonDB's "prepareUpdate …
 * wasn't sent to batch() synchronously" invariant threw from process.nextTick and the process
 * died mid-sync. Conflicts are now decided before anything is prepared.
 */
describe('settling a chunk whose conflict waits for the user', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });

  it('prepares nothing while the decision is awaited', async () => {
    const user = uniqueUserId();
    let during: (() => Promise<void>) | null = null;
    const a = await device(user, 'a', {
      strategy: 'ask-user',
      decide: () => new Promise((resolve) => setTimeout(() => resolve('local'), 20)),
      wrapRemote: (real) =>
        interceptRemote(real, {
          async beforeCommit() {
            const run = during;
            during = null;
            await run?.();
          },
        }),
    });
    const b = await device(user, 'b');
    try {
      const [x, y] = await a.sync.store.create('text_notes', [
        { type: 'diary', content: 'x1' },
        { type: 'diary', content: 'y1' },
      ]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      const clock = a.sync.clock as VirtualClock;
      await a.sync.store.update('text_notes', x, { content: 'x2' });
      clock.advance(1000);
      await a.sync.store.update('text_notes', y, { content: 'y2 from a' });
      // While a's chunk [x, y] is on its way: x is edited again on a (its settle prepares an
      // update), and b changes y (a's write of y meets a conflict, decided by the slow answer).
      during = async () => {
        await a.sync.store.update('text_notes', x, { content: 'x3' });
        await b.sync.store.update('text_notes', y, { content: 'y2 from b' });
        await b.sync.syncAll();
      };
      const result = await a.sync.syncAll();
      expect(result.conflicts.map((c) => c.id)).toEqual([y]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      expect(await queueSize(a)).toBe(0);
      const { firestore, close } = testClients();
      try {
        const server = await serverSnapshot(firestore, user, ['text_notes']);
        expect(server.text_notes[x]).toMatchObject({ content: 'x3' });
        expect(server.text_notes[y]).toMatchObject({ content: 'y2 from a' });
      } finally {
        await close();
      }
    } finally {
      await closeAll();
    }
  });
});
