import { Q } from '@nozbe/watermelondb';
import { percentile } from '../core/percentile';
import { DATA_TABLES } from '../db/schema-current';
import { openBenchDevice } from './bench-device';
import type { Figure } from './figure';
import { measure } from './measure';
import { benchRows } from './records';

/**
 * Drain after offline: a device comes online with `n` records recorded while offline; syncs run
 * back to back until nothing is pending. Per record: time from going online to its server
 * acknowledgement (synced_at on the real clock).
 */
export async function drainAfterOffline(
  endpoint: string,
  dir: string,
  n: number,
): Promise<Figure & { p50Ms: number | null; p95Ms: number | null }> {
  const device = await openBenchDevice({ dir, name: 'drainer', firestore: endpoint });
  try {
    for (const { table, rows } of benchRows(n)) await device.sync.store.create(table, rows);
    const online = Date.now();
    const run = await measure(async () => {
      for (let pass = 0; pass < 20; pass += 1) {
        await device.sync.syncAll();
        if ((await device.sync.getStatus()).pendingCount === 0) return;
      }
      throw new Error('drain: still pending after 20 passes');
    });
    const latencies: number[] = [];
    for (const table of DATA_TABLES)
      for (const record of await device.opened.database
        .get(table)
        .query(Q.where('sync_status', 'synced'))
        .fetch())
        latencies.push(
          ((record._raw as unknown as { synced_at: number }).synced_at ?? online) - online,
        );
    return {
      records: n,
      ms: run.ms,
      peakRssMB: run.peakRssMB,
      p50Ms: percentile(latencies, 0.5),
      p95Ms: percentile(latencies, 0.95),
    };
  } finally {
    await device.close();
  }
}
