import { Q } from '@nozbe/watermelondb';
import type { Command } from 'commander';
import { systemClock } from '../adapters/clock';
import { DATA_TABLES } from '../db/schema-v2';
import { resolveEndpoints } from '../emulators/endpoints';
import { isFirestoreEmulatorUp } from '../emulators/firestore-emulator';
import { StorageManager } from '../files/storage-manager';
import { PARKED_AT } from '../sync/queue';
import { syncIndicator } from '../sync/status-indicator';
import { openExistingDevice } from './device-files';
import { formatBytes } from './format';
import { wrapAction } from './output';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'the app’s sync indicator for a device (Offline / N pending / Synced), per collection, and storage usage',
    )
    .action(
      wrapAction(async (options) => {
        const { opened, folders } = await openExistingDevice(options);
        try {
          const db = opened.database;
          const collections: Record<
            string,
            { records: number; synced: number; pending: number; error: number }
          > = {};
          for (const table of DATA_TABLES) {
            const count = (status?: string) =>
              db
                .get(table)
                .query(...(status ? [Q.where('sync_status', status)] : []))
                .fetchCount();
            collections[table] = {
              records: await count(),
              synced: await count('synced'),
              pending: await db
                .get('sync_queue')
                .query(Q.where('collection', table), Q.where('scheduled_at', Q.notEq(PARKED_AT)))
                .fetchCount(),
              error: await db
                .get('sync_queue')
                .query(Q.where('collection', table), Q.where('scheduled_at', PARKED_AT))
                .fetchCount(),
            };
          }
          const pendingCount = Object.values(collections).reduce((sum, c) => sum + c.pending, 0);
          const errorCount = Object.values(collections).reduce((sum, c) => sum + c.error, 0);
          const backend = resolveEndpoints({
            dataDir: options.dataDir,
            projectId: options.project,
            firestoreFlag: options.firestore,
            storageFlag: options.storage,
          });
          const isOnline = backend.firestore
            ? await isFirestoreEmulatorUp(backend.firestore)
            : false;
          const indicator = syncIndicator({ isOnline, isSyncing: false, pendingCount });
          const storage = await new StorageManager(db, folders, systemClock).getStorageUsage();
          const result = {
            user: options.user,
            device: options.device,
            indicator,
            isOnline,
            firestore: backend.firestore,
            pendingCount,
            errorCount,
            collections,
            storage,
          };
          return {
            result,
            print: (_r, out) => {
              out.line(
                `${options.user}/${options.device}: ${indicator}${errorCount > 0 ? ` (${errorCount} in error)` : ''}`,
              );
              if (!isOnline)
                out.line(
                  backend.firestore
                    ? `  Firestore at ${backend.firestore} does not answer.`
                    : '  No Firestore emulator is running (start one with `personalai-sync emulators start`).',
                );
              for (const [table, c] of Object.entries(collections)) {
                out.line(
                  `  ${table.padEnd(15)} ${String(c.records).padStart(7)} records  ${String(c.synced).padStart(7)} synced  ${String(c.pending).padStart(6)} pending  ${String(c.error).padStart(5)} error`,
                );
              }
              out.line(
                `  storage         ${formatBytes(storage.total)} (database ${formatBytes(storage.database)}, cache ${formatBytes(storage.cache)}, media ${formatBytes(storage.media)})`,
              );
            },
          };
        } finally {
          await opened.close();
        }
      }),
    );
}
