import type { Command } from 'commander';
import { UsageError } from './errors';
import { wrapAction } from './output';

/** The main job. Its engine lands with the sync and simulator issues; until then it says so. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('simulate a device going offline and online, then sync and report')
    .option('--offline-for <duration>', 'how long the device stays offline, e.g. 30s', '30s')
    .allowUnknownOption(true)
    .action(
      wrapAction(async () => {
        throw new UsageError(
          '`run` needs the sync engine and the network simulator, which are not built yet (issues 3 and 5). `emulators start`, and `npm test`, work today.',
        );
      }),
    );
}
