import type { Command } from 'commander';
import { wireDevice } from '../adapters/device-wiring';
import { systemClock } from '../core/clock';
import { formatDuration } from '../core/units';
import { deviceSdk } from '../db/device-sdk';
import { DATA_TABLES } from '../db/schema-current';
import { fetchMissingMedia, type MediaFetchReport } from '../files/fetch-missing-media';
import { openExistingDevice } from './device-files';
import { parseDuration } from './duration';
import { EXIT, UsageError } from './errors';
import { addKnobOptions, parseKnobs } from './knob-options';
import { uploadedMediaRecords } from './media-records';
import { printable, wrapAction } from './output';
import { showPending } from './pending-progress';
import { printUnseen } from './print-unseen';
import { guardTarget, openTargetBackend } from './production-guard';
import { decideFor, parseSdk, parseStrategy } from './run-options';
import { type Spinner, startSpinner } from './spinner';
import { throwawayNotice } from './throwaway-notice';

export function registerSyncCommand(program: Command): void {
  addKnobOptions(program.command('sync'))
    .description('one sync pass of a device now (pull, then push), and what it did')
    .option(
      '--strategy <name>',
      'conflict strategy: local-wins, remote-wins, merge, ask-user',
      'remote-wins',
    )
    .option('--answers <file>', 'ask-user answers as JSON (see `run --help`)')
    .option('--retry-errors', 'put records parked in error back in the queue first', false)
    .option('--deadline <duration>', 'client deadline of each remote call', '30s')
    .option(
      '--fetch-media',
      'after the pass, download the files of voice notes and photos this device lacks, each checked against its stored SHA-256 (a mismatch is refused; a file without one is kept and reported as unverified)',
      false,
    )
    .option(
      '--sdk <sdk>',
      "sync through admin (firebase-admin) or client (the app's SDK as the user, rules enforced); default: the SDK the device last used, remembered",
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ personalai-sync --user user-1 --device phone sync --strategy merge\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as {
          strategy: string;
          answers?: string;
          retryErrors: boolean;
          deadline: string;
          sdk?: string;
          fetchMedia: boolean;
        };
        const chosenSdk = flags.sdk === undefined ? undefined : parseSdk(flags.sdk, false);
        const strategy = parseStrategy(flags.strategy);
        const knobs = parseKnobs(flags);
        // The spinner (started below) stands aside while a conflict is asked at the terminal.
        let spinner: Spinner | null = null;
        const decide = decideFor(strategy, flags.answers, undefined, {
          pause: () => spinner?.pause(),
          resume: () => spinner?.resume(),
        });
        const deadlineMs = parseDuration('--deadline', flags.deadline);
        const target = await guardTarget(options, 'sync');
        const { opened, folders } = await openExistingDevice(options);
        const backend = await openTargetBackend(target, options, {
          storageTimeoutMs: deadlineMs,
        }).catch(async (error) => {
          await opened.close();
          throw error;
        });
        if (backend.startedFirestore && !options.quiet)
          process.stderr.write(`${throwawayNotice(options.dataDir, backend.saved)}\n`);
        if (backend.configNotice && !options.quiet)
          process.stderr.write(`${backend.configNotice}\n`);
        const sdk = await deviceSdk(opened.database, chosenSdk);
        if (sdk === 'client' && backend.endpoints.kind === 'production') {
          await opened.close();
          await backend.stop();
          throw new UsageError(
            `${options.user}/${options.device} syncs through the client SDK, which signs in with the emulators' test token; against a real project use --sdk admin.`,
          );
        }
        const device = wireDevice({
          endpoints: backend.endpoints,
          database: opened.database,
          deviceId: options.device,
          sdk,
          userId: options.user,
          deadlineMs,
          withMedia: backend.hasStorage,
          publicStorageEndpoint: backend.publicStorageEndpoint,
          clock: systemClock,
          strategy,
          decide,
          ...knobs,
        });
        try {
          const { sync } = device;
          await sync.initialize(options.user);
          const retried = flags.retryErrors ? await sync.retryErrors() : 0;
          const progress = startSpinner(options, `sync: ${options.user}/${options.device}`);
          spinner = progress;
          const stopProgress = showPending(
            progress,
            async () => (await sync.getStatus()).pendingCount,
            `sync ${options.user}/${options.device}`,
          );
          const result = await sync.syncAll().finally(() => {
            stopProgress();
            progress.stop();
          });
          const status = await sync.getStatus();
          let media: MediaFetchReport | undefined;
          if (flags.fetchMedia) {
            if (!device.media) throw new UsageError('--fetch-media needs a Storage endpoint.');
            media = await fetchMissingMedia({
              media: device.media,
              userId: options.user,
              mediaDir: folders.mediaDir,
              records: await uploadedMediaRecords(opened.database),
            });
          }
          // A refused or failed download is a failure; an unverified one is reported, not one.
          const mediaFailed = (media?.refused.length ?? 0) + (media?.failed.length ?? 0) > 0;
          return {
            result: {
              ...result,
              sdk,
              retried,
              pendingAfter: status.pendingCount,
              errorsAfter: status.errorCount,
              ...(media ? { media } : {}),
            },
            exitCode: result.success && !mediaFailed ? EXIT.ok : EXIT.failures,
            print: (_r, out) => {
              out.line(
                `${options.user}/${options.device}${sdk === 'client' ? ' (client SDK)' : ''}: pushed ${result.pushed}, pulled ${result.pulled}, deleted ${result.deleted}, conflicts ${result.conflicts.length}, failed ${result.failed} in ${formatDuration(result.durationMs)}${retried ? ` (${retried} parked records retried)` : ''}`,
              );
              for (const table of DATA_TABLES) {
                const c = result.collections[table];
                if (
                  c &&
                  (c.pushed || c.pulled || c.failed || c.conflicts.length || c.quarantined)
                ) {
                  out.line(
                    `  ${table.padEnd(15)} pushed ${c.pushed}, pulled ${c.pulled}, conflicts ${c.conflicts.length}, failed ${c.failed}${c.quarantined ? `, quarantined ${c.quarantined} (malformed on the server, not applied)` : ''}`,
                  );
                }
              }
              for (const error of result.errors.slice(0, 10)) {
                const where = `${error.collection ?? '-'}/${error.documentId ?? '-'}`;
                const message = error.error.startsWith(`${where}: `)
                  ? error.error.slice(where.length + 2)
                  : error.error;
                const label = error.kind === 'quarantined' ? 'quarantined' : 'error';
                out.line(`  ${label}: ${printable(where)}: ${printable(message)}`);
              }
              if (result.errors.length > 10)
                out.line(`  … and ${result.errors.length - 10} more (--json lists all)`);
              printUnseen(
                Object.fromEntries(
                  Object.entries(result.collections).map(([t, c]) => [t, c.unseen]),
                ),
                options.user,
                out,
              );
              if (media) printMediaFetch(media, out);
              out.line(
                status.pendingCount + status.errorCount === 0
                  ? 'Nothing pending.'
                  : `${status.pendingCount} pending, ${status.errorCount} in error.`,
              );
            },
          };
        } finally {
          await opened.close();
          await device.close();
          await backend.stop();
        }
      }),
    );
}

function printMediaFetch(media: MediaFetchReport, out: { line(text: string): void }): void {
  out.line(
    `  media: ${media.fetched} of ${media.wanted} fetched, ${media.verified} verified, ${media.unverified.length} unverified (no stored SHA-256), ${media.refused.length} refused (checksum mismatch), ${media.failed.length} failed${media.thumbnailMissing.length ? `, ${media.thumbnailMissing.length} photos without thumbnail (original shown)` : ''}`,
  );
  for (const r of media.unverified)
    out.line(
      `  unverified: ${r.table}/${printable(r.recordId)}: ${r.objects.map(printable).join(', ')}`,
    );
  for (const r of [...media.refused, ...media.failed])
    out.line(`  media error: ${r.table}/${printable(r.recordId)}: ${printable(r.error)}`);
}
