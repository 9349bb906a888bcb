import type { Command } from 'commander';
import { systemClock } from '../core/clock';
import { StorageManager } from '../files/storage-manager';
import { openExistingDevice } from './device-files';
import { UsageError } from './errors';
import { formatBytes } from './format';
import { parseInteger } from './global-options';
import { wrapAction } from './output';
import { guardTarget } from './production-guard';

export function registerCleanCommand(program: Command): void {
  program
    .command('clean')
    .description(
      'retention cleanup (synced health and location records) and cache clearing on a device',
    )
    .option(
      '--retention-days <n>',
      'delete synced health_data and location_data created more than N days ago',
    )
    .option('--cache', 'empty the device cache folder', false)
    .option('--dry-run', 'report what would be deleted, delete nothing', false)
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync --user user-1 --device phone clean --retention-days 30 --dry-run\n  $ personalai-sync clean --cache\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const own = command.opts() as { retentionDays?: string; cache: boolean; dryRun: boolean };
        if (own.retentionDays === undefined && !own.cache) {
          throw new UsageError('Nothing to clean: give --retention-days N, --cache, or both.');
        }
        const retentionDays =
          own.retentionDays === undefined
            ? null
            : parseInteger('--retention-days', own.retentionDays, 0);
        await guardTarget(options, 'clean');
        const { opened, folders } = await openExistingDevice(options);
        try {
          const manager = new StorageManager(opened.database, folders, systemClock);
          const before = await manager.getStorageUsage();
          const retention =
            retentionDays === null
              ? null
              : await manager.clearOldData(retentionDays, { dryRun: own.dryRun });
          const cacheBytes = own.cache ? await manager.clearCache({ dryRun: own.dryRun }) : null;
          const after = await manager.getStorageUsage();
          const result = {
            dryRun: own.dryRun,
            retention,
            cacheBytesCleared: cacheBytes,
            usageBefore: before,
            usageAfter: after,
          };
          return {
            result,
            print: (_r, out) => {
              const verb = own.dryRun ? 'Would delete' : 'Deleted';
              if (retention) {
                out.line(
                  `${verb} ${retention.deletedCount} synced records older than ${retentionDays} days (health_data ${retention.byTable.health_data}, location_data ${retention.byTable.location_data}); pending and errored records are never deleted.`,
                );
              }
              if (cacheBytes !== null)
                out.line(
                  `${own.dryRun ? 'Would clear' : 'Cleared'} ${formatBytes(cacheBytes)} of cache.`,
                );
              out.line(
                `Storage: ${formatBytes(after.total)} (database ${formatBytes(after.database)}, cache ${formatBytes(after.cache)}, media ${formatBytes(after.media)}).`,
              );
            },
          };
        } finally {
          await opened.close();
        }
      }),
    );
}
