import { Q } from '@nozbe/watermelondb';
import type { Command } from 'commander';
import { systemClock } from '../core/clock';
import type { SyncQueueItem } from '../db/models';
import { DATA_TABLES } from '../db/schema-current';
import { recordAccessFor } from '../db/sqlite-fast-path';
import { resolveEndpoints } from '../emulators/endpoints';
import { isFirestoreEmulatorUp } from '../emulators/firestore-emulator';
import { StorageManager } from '../files/storage-manager';
import { loadUnseen, unseenTotal } from '../sync/check-unseen';
import { findUntrackedPending, PARKED_AT } from '../sync/queue';
import { syncIndicator } from '../sync/status-indicator';
import { FIRESTORE_PRODUCTION_HOST } from '../target/target';
import { openExistingDevice } from './device-files';
import { UsageError } from './errors';
import { formatBytes } from './format';
import type { GlobalOptions } from './global-options';
import { type Printer, printerFor, wrapAction } from './output';
import { printUnseen } from './print-unseen';
import { guardTarget, type Target } from './production-guard';

type DeviceStatus = Awaited<ReturnType<typeof readStatus>>;

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'the app’s sync indicator for a device (Offline / N pending / Synced), per collection, errors, storage usage',
    )
    .option('--watch', 'refresh every second until Ctrl-C', false)
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync --user user-1 --device phone status\n  $ personalai-sync status --watch\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const { watch } = command.opts() as { watch: boolean };
        if (watch && options.json)
          throw new UsageError(
            'status --watch refreshes a terminal view; use status --json (without --watch) for one JSON document.',
          );
        const target = await guardTarget(options, 'status');
        if (!watch) {
          const status = await readStatus(options, target);
          return { result: status, print: printStatus };
        }
        const out = printerFor(options);
        let stop = false;
        const onSignal = () => {
          stop = true;
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        try {
          while (!stop) {
            const status = await readStatus(options, target);
            if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
            out.line(new Date().toLocaleTimeString());
            printStatus(status, out);
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
        return { result: null, print: () => {}, alreadyPrinted: true };
      }),
    );
}

async function readStatus(options: GlobalOptions, target: Target) {
  const { opened, folders } = await openExistingDevice(options);
  try {
    const db = opened.database;
    const queue = db.get<SyncQueueItem>('sync_queue');
    const collections: Record<
      string,
      { records: number; synced: number; pending: number; error: number }
    > = {};
    const local = { db, records: recordAccessFor(db) };
    for (const table of DATA_TABLES) {
      collections[table] = {
        records: await db.get(table).query().fetchCount(),
        synced: await db.get(table).query(Q.where('sync_status', 'synced')).fetchCount(),
        // Queued changes, and records the app marked pending itself (queued by the next sync).
        pending:
          (await queue
            .query(Q.where('collection', table), Q.where('scheduled_at', Q.notEq(PARKED_AT)))
            .fetchCount()) + (await findUntrackedPending(local, table)).length,
        error: await queue
          .query(Q.where('collection', table), Q.where('scheduled_at', PARKED_AT))
          .fetchCount(),
      };
    }
    const parked = await queue.query(Q.where('scheduled_at', PARKED_AT), Q.take(20)).fetch();
    const errors = parked.map((row) => ({
      collection: row.collectionName,
      id: row.documentId,
      attempts: row.attempts,
      error: row.lastError,
    }));
    const pendingCount = Object.values(collections).reduce((sum, c) => sum + c.pending, 0);
    const errorCount = Object.values(collections).reduce((sum, c) => sum + c.error, 0);
    // A real project is not probed: status opens no connection to it (`sync` does, with
    // credentials). Its indicator then shows the queue as if online, and isOnline is null.
    let firestore: string | null = FIRESTORE_PRODUCTION_HOST;
    let isOnline: boolean | null = null;
    if (target.kind !== 'production') {
      firestore = resolveEndpoints({
        dataDir: options.dataDir,
        projectId: target.projectId,
        firestoreFlag: options.firestore,
        storageFlag: options.storage,
      }).firestore;
      isOnline = firestore ? await isFirestoreEmulatorUp(firestore) : false;
    }
    // "Syncing…" needs to see inside a running sync; another process's sync is not visible here.
    // As of this device's last sync pass (status opens no connection to a real project).
    const unseen = await loadUnseen(db);
    const unseenCount = unseenTotal(unseen);
    const indicator = syncIndicator({
      isOnline: isOnline ?? true,
      isSyncing: false,
      pendingCount,
      unseenCount,
    });
    const storage = await new StorageManager(db, folders, systemClock).getStorageUsage();
    return {
      user: options.user,
      device: options.device,
      indicator,
      isOnline,
      target: target.kind,
      project: target.projectId,
      firestore,
      pendingCount,
      errorCount,
      unseenCount,
      unseen,
      collections,
      errors,
      storage,
    };
  } finally {
    await opened.close();
  }
}

function printStatus(status: DeviceStatus, out: Printer): void {
  out.line(
    `${status.user}/${status.device}: ${status.indicator}${status.errorCount > 0 ? ` (${status.errorCount} in error)` : ''}`,
  );
  if (status.isOnline === null) {
    out.line(
      `  Firestore: the real project "${status.project}" (${status.firestore}); not contacted by status.`,
    );
  } else if (!status.isOnline) {
    out.line(
      status.firestore
        ? `  Firestore at ${status.firestore} does not answer.`
        : '  No Firestore emulator is running (start one with `personalai-sync emulators start`).',
    );
  }
  for (const [table, c] of Object.entries(status.collections)) {
    out.line(
      `  ${table.padEnd(15)} ${String(c.records).padStart(7)} records  ${String(c.synced).padStart(7)} synced  ${String(c.pending).padStart(6)} pending  ${String(c.error).padStart(5)} error`,
    );
  }
  for (const e of status.errors)
    out.line(
      `  error: ${e.collection}/${e.id} after ${e.attempts} attempt(s): ${e.error ?? 'unknown'}`,
    );
  if (status.errorCount > status.errors.length)
    out.line(
      `  … and ${status.errorCount - status.errors.length} more; \`personalai-sync sync --retry-errors\` retries them`,
    );
  else if (status.errorCount > 0) out.line('  `personalai-sync sync --retry-errors` retries them.');
  printUnseen(status.unseen, status.user, out, ' as of the last sync');
  const s = status.storage;
  out.line(
    `  storage         ${formatBytes(s.total)} (database ${formatBytes(s.database)}, cache ${formatBytes(s.cache)}, media ${formatBytes(s.media)})`,
  );
}
