import net from 'node:net';
import os from 'node:os';
import type { Command } from 'commander';
import { parseHostPort } from '../emulators/endpoints';
import { newTestPassword } from '../emulators/test-user';
import { isLoopback, qrPayload } from '../pairing/connection-info';
import { type PairEvent, summarizeLatency } from '../pairing/pair-events';
import { startPairing } from '../pairing/pair-session';
import { parseDuration } from './duration';
import { UsageError } from './errors';
import { printerFor, wrapAction } from './output';
import { latencyLine, pairEventLine, pairingText } from './print-pairing';
import { guardTarget } from './production-guard';
import { waitForStopSignal } from './stop-signal';

interface PairFlags {
  for?: string;
  listen?: string;
  publicHost?: string;
  password?: string;
  auth?: string;
  allowOpenStorage?: boolean;
  watchdog: string;
}

export function registerPairCommand(program: Command): void {
  program
    .command('pair')
    .description(
      "make a test user on the Auth emulator, print what the app needs to connect (config, hosts, sign-in, QR code), then show both sides' writes live until Ctrl-C",
    )
    .option('--for <duration>', 'stop by itself after this long')
    .option(
      '--listen <address>',
      'address the emulators pair starts listen on (default 127.0.0.1; 0.0.0.0 lets a phone on the network in)',
    )
    .option(
      '--public-host <host>',
      'the address a phone reaches this machine at, for printed hosts and download URLs (default: the listen address)',
    )
    .option(
      '--allow-open-storage',
      'with --listen beyond loopback: start even though Storage permits everything (no storage rules runtime here)',
      false,
    )
    .option('--password <password>', "the test user's password (default: a new random one)")
    .option('--auth <host:port>', 'use the Auth emulator running there')
    .option('--watchdog <duration>', 'how often to check that the listeners are not stalled', '30s')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ personalai-sync --user user-1 pair                    # iOS simulator / Android emulator on this machine',
        '  $ personalai-sync --user user-1 pair --listen 0.0.0.0 --public-host 192.168.1.20   # a phone on the Wi-Fi',
        '  $ personalai-sync --user user-1 --json pair --for 10m  # the connection details as one JSON document',
        '  $ personalai-sync --user user-1 sync                    # in another terminal: the harness device pushes and pulls',
        '',
      ].join('\n'),
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as PairFlags;
        const forMs = flags.for ? parseDuration('--for', flags.for) : null;
        const watchdogMs = parseDuration('--watchdog', flags.watchdog);
        const listen = flags.listen === undefined ? undefined : parseListen(flags.listen);
        const publicHost =
          flags.publicHost === undefined ? undefined : parsePublicHost(flags.publicHost);
        const password =
          flags.password === undefined ? newTestPassword() : parsePassword(flags.password);
        const auth = flags.auth ? parseHostPort(flags.auth, 'flag') : undefined;
        await guardTarget(options, 'pair');

        const info = (text: string) => {
          if (!options.quiet) process.stderr.write(`${text}\n`);
        };
        // Named on stderr before anything listens there, even with --json: it opens a door.
        if (listen && !isLoopback(listen))
          info(
            `Listening on ${listen}: the emulators pair starts accept connections from other machines on the network (emulators only: no real data, no credentials).`,
          );
        const session = await startPairing({
          dataDir: options.dataDir,
          projectId: options.project,
          userId: options.user,
          password,
          firestoreFlag: options.firestore,
          storageFlag: options.storage,
          authFlag: auth,
          listen,
          allowOpenStorage: Boolean(flags.allowOpenStorage),
          publicHost,
          interfaces: Object.values(os.networkInterfaces()).flatMap((list) => list ?? []),
          now: Date.now,
          watchdogMs,
          onEvent: (event) => printEvent(event, options.json),
          onResubscribe: (table, reason) => info(`re-subscribed ${table}: ${reason}`),
        });
        try {
          if (listen && !session.started.firestore && !session.started.auth)
            info(
              `--listen ${listen} applies to emulators pair starts; it attached to running ones, which listen where they were started.`,
            );
          // On stderr whatever the output mode: a warning about everyone's files.
          if (session.openStorageNotice) process.stderr.write(`${session.openStorageNotice}\n`);
          if (session.publicHostGuessed)
            info(
              `Public host ${session.info.hosts.phone.host} (this machine's first network address); give --public-host if the phone reaches it at another.`,
            );
          const result = {
            ...session.info,
            userCreated: session.userCreated,
            started: session.started,
          };
          // Printed once the listeners run, so what the app writes from now on is shown.
          if (options.json)
            process.stdout.write(`${JSON.stringify({ status: 'running', result }, null, 2)}\n`);
          else {
            const out = printerFor(options);
            for (const line of pairingText(session.info)) out.line(line);
            if (process.stdout.isTTY) {
              out.line('');
              out.line('Scan on the phone (config, hosts and sign-in as JSON):');
              out.line(qrCode(qrPayload(session.info)));
            }
            out.line('');
            out.line(
              `Showing ${options.user}'s writes as they land (app → harness, harness → app, commit → seen); Ctrl-C stops.`,
            );
          }
          await waitForStopSignal(forMs);
        } finally {
          await session.stop();
        }
        const latency = summarizeLatency(session.events);
        // With --json stdout already holds its one document: the summary is a last stderr line.
        if (options.json) process.stderr.write(`${JSON.stringify({ type: 'summary', latency })}\n`);
        else if (!options.quiet) {
          const out = printerFor(options);
          out.line(`${session.events.length} write(s) seen.`);
          out.line(latencyLine('app → harness', latency.app));
          out.line(latencyLine('harness → app', latency.harness));
        }
        return {
          result: { events: session.events.length, latency },
          print: () => {},
          alreadyPrinted: true,
        };
      }),
    );
}

/**
 * Each write as it lands: a line on stdout, or with --json one JSON line on stderr (stdout
 * holds the one connection document; a script or test reads the events from stderr).
 */
function printEvent(event: PairEvent, json: boolean): void {
  if (json) process.stderr.write(`${JSON.stringify({ type: 'event', ...event })}\n`);
  else process.stdout.write(`${pairEventLine(event)}\n`);
}

function parseListen(value: string): string {
  if (net.isIP(value) === 0 && value !== 'localhost')
    throw new UsageError(
      `--listen ${JSON.stringify(value)} is not an IP address (e.g. 127.0.0.1, 0.0.0.0, or this machine's LAN address).`,
    );
  return value;
}

function parsePublicHost(value: string): string {
  const hostname =
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
  if (net.isIP(value) === 0 && !hostname.test(value))
    throw new UsageError(
      `--public-host ${JSON.stringify(value)} is not a host name or IP address (e.g. 192.168.1.20, no http:// and no port).`,
    );
  if (value === '0.0.0.0' || value === '::')
    throw new UsageError(`--public-host ${value} is not an address a phone can reach.`);
  return value;
}

function parsePassword(value: string): string {
  if (value.length < 6 || value.length > 128 || /\s/.test(value))
    throw new UsageError(
      '--password must be 6 to 128 characters without spaces (the Auth emulator wants at least 6).',
    );
  return value;
}

function qrCode(text: string): string {
  const qrcode = require('qrcode-terminal') as {
    generate(text: string, options: { small: boolean }, done: (qr: string) => void): void;
  };
  let drawn = '';
  qrcode.generate(text, { small: true }, (qr) => {
    drawn = qr;
  });
  return drawn;
}
