import type { Command } from 'commander';
import { openClientFirestore } from '../adapters/client-firestore';
import { createFirebaseClients } from '../adapters/firebase-clients';
import {
  adminWatchSource,
  clientWatchSource,
  type RemoteChange,
  type WatchHandle,
  watchUser,
} from '../adapters/firestore-watch';
import { UNSEEN_IDS_KEPT } from '../sync/check-unseen';
import type { UnseenDocs } from '../sync/remote-store';
import { parseDuration } from './duration';
import { UsageError } from './errors';
import { printable, printerFor, wrapAction } from './output';
import { printUnseen } from './print-unseen';
import { guardTarget, openTargetBackend } from './production-guard';
import { parseSdk } from './run-options';
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
    .option(
      '--sdk <sdk>',
      "listen through admin (firebase-admin, default) or client (the app's SDK as the user: what the rules let a phone see)",
      'admin',
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ personalai-sync --user user-1 watch          # then use the app, or run `sync` in another terminal\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as { for?: string; watchdog: string; sdk: string };
        const sdk = parseSdk(flags.sdk, false);
        const forMs = flags.for ? parseDuration('--for', flags.for) : null;
        const watchdogMs = parseDuration('--watchdog', flags.watchdog);
        const target = await guardTarget(options, 'watch');
        const backend = await openTargetBackend(target, options, { needStorage: false });
        if (sdk === 'client' && backend.endpoints.kind === 'production') {
          await backend.stop();
          throw new UsageError(
            "watch --sdk client signs in with the emulators' test token; against a real project use --sdk admin.",
          );
        }
        const admin = sdk === 'admin' ? createFirebaseClients(backend.endpoints, 'watch') : null;
        const client =
          sdk === 'client' && backend.endpoints.kind !== 'production'
            ? openClientFirestore({
                projectId: backend.endpoints.projectId,
                firestore: backend.endpoints.firestore,
                userId: options.user,
                label: 'watch',
              })
            : null;
        const source = admin
          ? adminWatchSource(admin.firestore, options.user)
          : clientWatchSource(client!, options.user);
        const events: RemoteChange[] = [];
        const info = (text: string) => {
          if (!options.json && !options.quiet) process.stderr.write(`${text}\n`);
        };
        try {
          const watch = watchUser(
            source,
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
                    `Watching ${options.user} on ${backend.firestoreLabel} (project ${backend.projectId})${sdk === 'client' ? ' through the client SDK, as the user' : ''}; Ctrl-C stops.\n`,
                  );
                if (!options.json) printUnseen(unseenOf(watch), options.user, printerFor(options));
              },
            },
          );
          await waitForStopSignal(forMs);
          watch.stop();
          const unseen = unseenOf(watch);
          return {
            result: {
              user: options.user,
              sdk,
              events,
              resubscriptions: watch.resubscriptions,
              unseen,
            },
            print: (_r, out) => {
              out.line(`${events.length} change(s) seen.`);
              printUnseen(unseen, options.user, out);
            },
          };
        } finally {
          await admin?.close();
          await client?.close();
          await backend.stop();
        }
      }),
    );
}

function formatChange(change: RemoteChange): string {
  const what = change.deleted ? 'deleted' : change.kind;
  const unseen =
    change.pullable || change.kind === 'removed'
      ? ''
      : '  NOT SEEN BY THE PULL (no valid _server_time; `adopt` fixes it)';
  return `${new Date().toISOString()}  ${change.collection}/${printable(change.id)}  ${what}  by ${printable(change.device ?? 'unknown device')}  (${change.fields.length} fields)${unseen}`;
}

/** The unseen documents as the listeners last saw them: count and the first ids, sorted. */
function unseenOf(watch: WatchHandle): Record<string, UnseenDocs> {
  const found: Record<string, UnseenDocs> = {};
  for (const [table, ids] of watch.unseen) {
    const sorted = [...ids].sort();
    found[table] = { count: sorted.length, ids: sorted.slice(0, UNSEEN_IDS_KEPT) };
  }
  return found;
}
