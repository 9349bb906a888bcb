import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { testClients, uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { skewedClock } from '../helpers/skewed-clock';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The user sets the phone's clock back after editing: the edit is queued with the time it was
 * made, which now reads as hours in the future. The next sync must push it all the same (the
 * server orders writes, not the phone's clock).
 */
describe('a device whose clock is set back', () => {
  const tempDir = useTempDir('clock-set-back-');
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });
  afterEach(closeAll);

  it('pushes what was queued before the clock went back, on the next sync', {
    timeout: 60_000,
  }, async () => {
    const world = new VirtualClock(Date.parse('2026-01-01T08:00:00Z'));
    let offset = 0;
    const clock = {
      now: () => skewedClock(world, offset).now(),
      sleep: (ms: number) => world.sleep(ms),
    };
    const user = uniqueUserId();
    const phone = await device(user, 'phone', { clock });
    const [id] = await phone.sync.store.create('text_notes', [
      { type: 'thought', content: 'written at eight', title: null },
    ]);
    offset = -2 * 3_600_000; // the user sets the clock two hours back
    const result = await phone.sync.syncAll();
    expect(result.pushed).toBe(1);
    expect((await phone.sync.getStatus()).pendingCount).toBe(0);
    const { firestore, close } = testClients();
    try {
      const doc = await firestore.collection('text_notes').doc(id).get();
      expect(doc.get('content')).toBe('written at eight');
    } finally {
      await close();
    }
  });
});
