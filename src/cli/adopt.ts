import type { Command } from 'commander';
import { type AdoptionReport, adoptUnseen } from '../adapters/adopt-unseen';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { EXIT } from './errors';
import { type Printer, printable, wrapAction } from './output';
import { guardTarget, openTargetBackend } from './production-guard';

const LINES_PRINTED = 50;

export function registerAdoptCommand(program: Command): void {
  program
    .command('adopt')
    .description(
      'bring a user’s documents the pull cannot see (no valid _server_time: legacy data, the app’s original-format writes) into the wire format, so they sync',
    )
    .option('--dry-run', 'list what would be adopted and what would not fit; write nothing', false)
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync --user user-1 adopt --dry-run\n  $ personalai-sync --user user-1 adopt\n\nSafe to interrupt and to repeat: a second run finishes the rest, and adopts nothing when done.\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const { dryRun } = command.opts() as { dryRun: boolean };
        const target = await guardTarget(options, 'adopt');
        const backend = await openTargetBackend(target, options, { needStorage: false });
        const clients = createFirebaseClients(backend.endpoints, 'adopt');
        try {
          const collections = {} as Record<DataTable, AdoptionReport>;
          // One collection at a time: each lists and reads its documents, which costs a scan.
          for (const table of DATA_TABLES)
            collections[table] = await adoptUnseen(clients.firestore, table, options.user, {
              dryRun,
            });
          const reports = Object.values(collections);
          const sum = (pick: (r: AdoptionReport) => number) =>
            reports.reduce((total, r) => total + pick(r), 0);
          const result = {
            user: options.user,
            dryRun,
            unseen: sum((r) => r.unseen),
            adopted: sum((r) => r.adopted.length),
            changedMeanwhile: sum((r) => r.changedMeanwhile.length),
            unfit: sum((r) => r.unfit.length),
            collections,
          };
          return {
            result,
            // Documents left unfit need a person: the run did not finish its job.
            exitCode: result.unfit > 0 ? EXIT.failures : EXIT.ok,
            print: (_r, out) => printAdoption(result, out),
          };
        } finally {
          await clients.close();
          await backend.stop();
        }
      }),
    );
}

function printAdoption(
  result: {
    user: string;
    dryRun: boolean;
    unseen: number;
    adopted: number;
    changedMeanwhile: number;
    unfit: number;
    collections: Record<DataTable, AdoptionReport>;
  },
  out: Printer,
): void {
  const verb = result.dryRun ? 'would adopt' : 'adopted';
  out.line(
    `${result.user}: ${result.unseen} document(s) outside the pull's order; ${verb} ${result.adopted}, ${result.unfit} would not fit, ${result.changedMeanwhile} changed meanwhile${result.dryRun ? ' (dry run: nothing written)' : ''}.`,
  );
  let printed = 0;
  const line = (text: string) => {
    if (printed < LINES_PRINTED) out.line(text);
    printed += 1;
  };
  for (const table of DATA_TABLES) {
    const r = result.collections[table];
    for (const a of r.adopted) {
      const changes = [
        a.removed.length > 0 ? `remove ${a.removed.join(', ')}` : '',
        a.converted.length > 0 ? `dates to epoch ms: ${a.converted.join(', ')}` : '',
        'set _server_time, _device, _deleted',
      ].filter(Boolean);
      line(`  ${verb} ${table}/${printable(a.id)} (${changes.join('; ')})`);
    }
    for (const u of r.unfit) line(`  not adopted: ${printable(u.problem)}`);
    for (const id of r.changedMeanwhile)
      line(`  changed meanwhile, left for the next run: ${table}/${printable(id)}`);
  }
  if (printed > LINES_PRINTED)
    out.line(`  … and ${printed - LINES_PRINTED} more lines (--json lists all)`);
  if (result.dryRun && result.adopted > 0)
    out.line(`Run \`personalai-sync --user ${result.user} adopt\` to adopt them.`);
  if (!result.dryRun && result.adopted > 0)
    out.line("Adopted documents reach every device's next sync.");
}
