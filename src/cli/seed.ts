import type { Command } from 'commander';
import { systemClock } from '../core/clock';
import { deviceFolders } from '../db/device-paths';
import { deviceSdk } from '../db/device-sdk';
import { openDatabase } from '../db/open-database';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { recordAccessFor } from '../db/sqlite-fast-path';
import { DataGenerator, DEFAULT_DAY } from '../simulate/data-generator';
import { LocalStore } from '../sync/local-store';
import { UsageError } from './errors';
import { parseInteger } from './global-options';
import { wrapAction } from './output';
import { guardTarget } from './production-guard';
import { parseSdk } from './run-options';
import { startSpinner } from './spinner';

const PER_TABLE_FLAGS: Array<[string, DataTable]> = [
  ['health', 'health_data'],
  ['locations', 'location_data'],
  ['voice', 'voice_notes'],
  ['text', 'text_notes'],
  ['photos', 'photo_memories'],
];

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description(
      'write generated pending records (with real photo and audio files) into a device database',
    )
    .option('--count <n>', 'records in all, spread like a default day (health and location mostly)')
    .option('--health <n>', 'health_data records')
    .option('--locations <n>', 'location_data records')
    .option('--voice <n>', 'voice_notes records (with audio files)')
    .option('--text <n>', 'text_notes records')
    .option('--photos <n>', 'photo_memories records (with JPEG files)')
    .option(
      '--sdk <sdk>',
      "the SDK this device will sync through, remembered by the device: admin (default) or client (the app's SDK as the user, rules enforced)",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync seed                      # a default day of data\n  $ personalai-sync --seed 7 seed --count 5000\n  $ personalai-sync seed --health 100 --photos 3\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as Record<string, string | undefined>;
        const counts = countsFrom(flags);
        const chosenSdk = flags.sdk === undefined ? undefined : parseSdk(flags.sdk, false);
        await guardTarget(options, 'seed');
        const folders = deviceFolders(options.dataDir, options.user, options.device);
        const opened = await openDatabase(`sqlite:${folders.databaseFile}`);
        try {
          const sdk = await deviceSdk(opened.database, chosenSdk);
          const seed = options.seed ?? 1;
          const generator = new DataGenerator({ seed, mediaDir: folders.mediaDir });
          const store = new LocalStore(
            opened.database,
            systemClock,
            options.user,
            recordAccessFor(opened.database),
          );
          const created: Record<string, number> = {};
          // On a terminal: what is being made, and how far (photos and big counts take a while).
          const spinner = startSpinner(options, 'seed: starting');
          const grand = Object.values(counts).reduce((a, b) => a + b, 0);
          let done = 0;
          const say = (what: string) =>
            spinner.update(
              `seed: ${what} (${done.toLocaleString('en-US')} of ${grand.toLocaleString('en-US')} records)`,
            );
          try {
            for (const table of DATA_TABLES) {
              if (counts[table] > 0)
                say(`generating ${counts[table].toLocaleString('en-US')} ${table}`);
              const rows = await generator.records(table, counts[table], systemClock.now());
              for (let i = 0; i < rows.length; i += 1000) {
                await store.create(table, rows.slice(i, i + 1000));
                done += Math.min(1000, rows.length - i);
                say(`writing ${table}`);
              }
              created[table] = rows.length;
            }
          } finally {
            spinner.stop();
          }
          const total = Object.values(created).reduce((a, b) => a + b, 0);
          return {
            result: {
              user: options.user,
              device: options.device,
              sdk,
              seed,
              database: folders.databaseFile,
              created,
              total,
            },
            print: (_r, out) => {
              out.line(
                `Seeded ${total} pending records into ${options.user}/${options.device} (seed ${seed}):`,
              );
              for (const [table, n] of Object.entries(created))
                out.line(`  ${table.padEnd(15)} ${n}`);
              out.line(
                `Sync them with \`personalai-sync sync\` or \`personalai-sync run\` (this device syncs through the ${sdk === 'client' ? "app's client SDK" : 'admin SDK'}).`,
              );
            },
          };
        } finally {
          await opened.close();
        }
      }),
    );
}

function countsFrom(flags: Record<string, string | undefined>): Record<DataTable, number> {
  const perTable = PER_TABLE_FLAGS.filter(([flag]) => flags[flag] !== undefined);
  if (flags.count !== undefined && perTable.length > 0) {
    throw new UsageError(
      'Give either --count or per-table counts (--health, --locations, --voice, --text, --photos), not both.',
    );
  }
  if (perTable.length > 0) {
    const counts = Object.fromEntries(DATA_TABLES.map((t) => [t, 0])) as Record<DataTable, number>;
    for (const [flag, table] of perTable) counts[table] = parseInteger(`--${flag}`, flags[flag], 0);
    return counts;
  }
  if (flags.count === undefined) return { ...DEFAULT_DAY };
  const total = parseInteger('--count', flags.count, 1);
  const dayTotal = Object.values(DEFAULT_DAY).reduce((a, b) => a + b, 0);
  const counts = Object.fromEntries(
    DATA_TABLES.map((t) => [t, Math.floor((total * DEFAULT_DAY[t]) / dayTotal)]),
  ) as Record<DataTable, number>;
  counts.health_data += total - Object.values(counts).reduce((a, b) => a + b, 0);
  return counts;
}
