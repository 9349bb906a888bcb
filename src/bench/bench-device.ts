import fs from 'node:fs';
import path from 'node:path';
import { wireDevice } from '../adapters/device-wiring';
import type { FirebaseClients } from '../adapters/firebase-clients';
import { systemClock } from '../core/clock';
import type { Sdk } from '../core/sdk';
import { type OpenedDatabase, openDatabase } from '../db/open-database';
import type { SyncManager } from '../sync/sync-manager';
import { BENCH_PROJECT } from './fresh-emulator';

export const BENCH_USER = 'bench-user';

/** A device as the app runs it: SQLite database, real clients straight to the emulators. */
export interface BenchDevice {
  opened: OpenedDatabase;
  clients: FirebaseClients;
  sync: SyncManager;
  close(): Promise<void>;
}

export async function openBenchDevice(options: {
  dir: string;
  name: string;
  firestore: string;
  storage?: string | null;
  url?: string;
  /** The SDK the device syncs through (default admin). */
  sdk?: Sdk;
  /** Engine tuning (defaults: the SyncManager's). */
  maxInFlight?: number;
  batchSize?: number;
  pageSize?: number;
}): Promise<BenchDevice> {
  fs.mkdirSync(options.dir, { recursive: true });
  const opened = await openDatabase(
    options.url ?? `sqlite:${path.join(options.dir, `${options.name}.db`)}`,
  );
  const wired = wireDevice({
    endpoints: {
      projectId: BENCH_PROJECT,
      firestore: options.firestore,
      storage: options.storage ?? null,
    },
    database: opened.database,
    deviceId: options.name,
    sdk: options.sdk,
    userId: BENCH_USER,
    withMedia: Boolean(options.storage),
    clock: systemClock,
    maxInFlight: options.maxInFlight,
    batchSize: options.batchSize,
    pageSize: options.pageSize,
  });
  const { clients, sync } = wired;
  await sync.initialize(BENCH_USER);
  return {
    opened,
    clients,
    sync,
    close: async () => {
      await opened.close();
      await wired.close();
    },
  };
}
