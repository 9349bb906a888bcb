import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFirebaseClients } from '../../src/adapters/firebase-clients';
import { FirestoreRemote } from '../../src/adapters/firestore-remote';
import { type Clock, VirtualClock } from '../../src/core/clock';
import { openDatabase } from '../../src/db/open-database';
import { recordAccessFor } from '../../src/db/sqlite-fast-path';
import { SyncManager } from '../../src/sync/sync-manager';
import { testEndpoints, uniqueUserId } from '../helpers/backend';
import { grpcError, interceptRemote } from '../helpers/intercept-remote';
import { useTempDir } from '../helpers/temp-dir';

/**
 * A virtual clock whose sleeps are held until the test releases them (a retry "still
 * scheduled"); from then on it sleeps like any virtual clock.
 */
class HeldClock implements Clock {
  private readonly time = new VirtualClock();
  private readonly held: Array<() => void> = [];
  private holding = true;

  now(): number {
    return this.time.now();
  }

  sleep(ms: number): Promise<void> {
    if (!this.holding) return this.time.sleep(ms);
    return new Promise((resolve) =>
      this.held.push(() => {
        this.time.advance(ms);
        resolve();
      }),
    );
  }

  get sleeping(): number {
    return this.held.length;
  }

  release(): void {
    this.holding = false;
    for (const wake of this.held.splice(0)) wake();
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('a device whose Firestore client was closed', () => {
  const tempDir = useTempDir();
  const strays: unknown[] = [];
  const onStray = (reason: unknown) => strays.push(reason);
  beforeEach(() => {
    strays.length = 0;
    process.on('unhandledRejection', onStray);
  });
  afterEach(() => {
    process.off('unhandledRejection', onStray);
  });

  it('a pull retry scheduled before the close fails fast with a classified error, and nothing is left rejecting unheard', {
    timeout: 20_000,
  }, async () => {
    const user = uniqueUserId();
    const clock = new HeldClock();
    const opened = await openDatabase(`sqlite:${path.join(tempDir(), 'phone.db')}`);
    const clients = createFirebaseClients(testEndpoints(), 'closed-client');
    let failFirstPull = true;
    const sync = new SyncManager({
      database: opened.database,
      records: recordAccessFor(opened.database),
      deviceId: 'phone',
      clock,
      random: () => 0,
      remote: interceptRemote(new FirestoreRemote(clients.firestore), {
        beforePull() {
          if (!failFirstPull) return;
          failFirstPull = false;
          throw grpcError(14, 'UNAVAILABLE: the connection was cut');
        },
      }),
    });
    try {
      await sync.initialize(user);
      const pass = sync.syncCollection('text_notes');
      await until(() => clock.sleeping > 0); // the pull failed once; its retry is scheduled
      await clients.close(); // the device shuts down (a crash step, a restart)
      clock.release(); // the abandoned pull's retry runs now, against the closed client

      const result = await pass;
      const pull = result.errors.find((e) => e.error.startsWith('pull failed'));
      expect(pull?.code).toBe('cancelled');
      expect(pull?.error).toMatch(/client was closed/);
      // Let anything the SDK left behind surface before looking.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(strays).toEqual([]);
    } finally {
      await opened.close();
      await clients.close().catch(() => {});
    }
  });
});
