import type { Command } from 'commander';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { type RemoteChange, watchUser } from '../adapters/firestore-watch';
import { parseDuration } from './duration';
import { wrapAction } from './output';
import { guardTarget, openTargetBackend } from './production-guard';
import { waitForStopSignal } from './stop-signal';

const MAX_EVENTS_IN_JSON = 10_000;

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description(
      'live remote changes of a user (Firestore listeners), for pairing with the app; Ctrl-C stops',
    )
    .option('--for <duration>', 'stop by itself after this long')
    .option('--watchdog <duration>', 'how often to check that the listeners are not stalled', '30s')
    .addHelpText(
      'after',
      '\nExample:\n  $ personalai-sync --user user-1 watch          # then use the app, or run `sync` in another terminal\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as { for?: string; watchdog: string };
        const forMs = flags.for ? parseDuration('--for', flags.for) : null;
        const watchdogMs = parseDuration('--watchdog', flags.watchdog);
        const target = await guardTarget(options, 'watch');
        const backend = await openTargetBackend(target, options, { needStorage: false });
        const clients = createFirebaseClients(backend.endpoints, 'watch');
        const events: RemoteChange[] = [];
        const info = (text: string) => {
          if (!options.json && !options.quiet) process.stderr.write(`${text}\n`);
        };
        try {
          const watch = watchUser(
            clients.firestore,
            options.user,
            (change) => {
              if (events.length < MAX_EVENTS_IN_JSON) events.push(change);
              if (!options.json) process.stdout.write(`${formatChange(change)}\n`);
            },
            {
              watchdogMs,
              onResubscribe: (table, reason) => info(`re-subscribed ${table}: ${reason}`),
              // On stderr even with --json: it tells a script (or a test) that listening has begun.
              onReady: () => {
                if (!options.quiet)
                  process.stderr.write(
                    `Watching ${options.user} on ${backend.firestoreLabel} (project ${backend.projectId}); Ctrl-C stops.\n`,
                  );
              },
            },
          );
          await waitForStopSignal(forMs);
          watch.stop();
          return {
            result: { user: options.user, events, resubscriptions: watch.resubscriptions },
            print: (_r, out) => out.line(`${events.length} change(s) seen.`),
          };
        } finally {
          await clients.close();
          await backend.stop();
        }
      }),
    );
}

function formatChange(change: RemoteChange): string {
  const what = change.deleted ? 'deleted' : change.kind;
  return `${new Date().toISOString()}  ${change.collection}/${change.id}  ${what}  by ${change.device ?? 'unknown device'}  (${change.fields.length} fields)`;
}
