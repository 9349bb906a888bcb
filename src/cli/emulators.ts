import type { Command } from 'commander';
import { isHttpUp, openBackend, STORAGE_RULES_FILE } from '../emulators/backend';
import { EnvironmentError } from '../emulators/environment-error';
import { type ConfiguredEmulator, readFirebaseConfig } from '../emulators/firebase-config';
import { isFirestoreEmulatorUp } from '../emulators/firestore-emulator';
import {
  isProcessAlive,
  readLiveRegistration,
  registrationFile,
  removeRegistration,
  writeRegistration,
} from '../emulators/registration';
import { isLoopbackHost, openStorageNotice } from '../emulators/storage-exposure';
import { isAuthEmulatorUp } from '../emulators/test-user';
import { parseInteger } from './global-options';
import { printerFor, wrapAction } from './output';
import { guardTarget } from './production-guard';
import { waitForStopSignal } from './stop-signal';

export function registerEmulatorsCommand(program: Command): void {
  const emulators = program
    .command('emulators')
    .description('run / inspect the managed Firestore, Storage and Auth emulators')
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync emulators start            # foreground; Ctrl-C stops\n  $ personalai-sync emulators status\n  $ personalai-sync emulators stop\n',
    );

  emulators
    .command('start')
    .description(
      'start the Firestore, Storage and Auth emulators in the foreground until Ctrl-C; other commands attach to them',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--firestore-port <port>',
      "Firestore emulator port (default: firebase.json's, else a free one)",
    )
    .option(
      '--storage-port <port>',
      "Storage emulator port (default: firebase.json's, else a free one)",
    )
    .option(
      '--allow-open-storage',
      'listen beyond loopback even though Storage permits everything (when the storage rules runtime JAR is missing)',
      false,
    )
    .option('--auth-port <port>', "Auth emulator port (default: firebase.json's, else a free one)")
    .action(
      wrapAction(async (options, command) => {
        const own = command.opts() as {
          host: string;
          firestorePort?: string;
          storagePort?: string;
          allowOpenStorage: boolean;
          authPort?: string;
        };
        // Emulators only: a project id not starting with demo- is refused (exit 2) here, whatever
        // else is given; --allow-production is a permission, so it changes nothing.
        await guardTarget(options, 'emulators start');
        const existing = readLiveRegistration(options.dataDir);
        if (existing) {
          throw new EnvironmentError(
            `Emulators are already running for ${options.dataDir} (pid ${existing.pid}, Firestore ${existing.firestore}, Storage ${existing.storage}${existing.auth ? `, Auth ${existing.auth}` : ''}). Stop them with \`personalai-sync emulators stop\`.`,
          );
        }
        const out = printerFor(options);
        // The app's firebase.json names the ports the app connects to: listened on unless a flag
        // says otherwise (the host stays --host: nothing listens beyond loopback unless asked).
        const config = readFirebaseConfig();
        const port = (flag: string, given: string | undefined, name: ConfiguredEmulator) =>
          given ? parseInteger(flag, given, 1) : config.ports[name];
        const ports = {
          firestorePort: port('--firestore-port', own.firestorePort, 'firestore'),
          storagePort: port('--storage-port', own.storagePort, 'storage'),
          authPort: port('--auth-port', own.authPort, 'auth'),
        };
        const backend = await openBackend({
          dataDir: options.dataDir,
          projectId: options.project,
          // `emulators start` always starts its own, whatever the environment points at.
          firestoreFlag: undefined,
          storageFlag: undefined,
          authFlag: undefined,
          needAuth: true,
          host: own.host,
          ...ports,
          allowOpenStorage: own.allowOpenStorage,
          firebaseConfig: config,
          attachConfigured: false,
          onEmulatorOutput: options.verbose
            ? (line) => process.stderr.write(`[firestore] ${line}\n`)
            : undefined,
        }).catch((error: unknown) => {
          if (config.file && error instanceof EnvironmentError && /^Port /.test(error.message))
            throw new EnvironmentError(
              `${error.message} (${config.file} names the ports used when no --…-port flag is given.)`,
            );
          throw error;
        });
        const registration = {
          pid: process.pid,
          projectId: backend.projectId,
          firestore: backend.firestore,
          storage: backend.storage!,
          storageRules: backend.started.storage!.rules,
          auth: backend.auth!,
          startedAt: new Date().toISOString(),
        };
        const runtime = backend.started.storage!.rulesRuntime;
        // Said once, on stderr whatever the output mode: it is a warning about everyone's files.
        if (registration.storageRules === 'open') {
          const where = isLoopbackHost(own.host)
            ? ''
            : ` Listening on ${own.host} anyway (--allow-open-storage).`;
          process.stderr.write(`${openStorageNotice(runtime, STORAGE_RULES_FILE)}${where}\n`);
        }
        writeRegistration(options.dataDir, registration);
        process.once('exit', () => removeRegistration(options.dataDir, process.pid));
        const result = {
          ...registration,
          firestoreStartupMs: backend.started.firestore?.startupMs ?? null,
          storageRulesRuntime: { jar: runtime.jar, present: runtime.present, from: runtime.from },
          firebaseConfig: config.file
            ? {
                file: config.file,
                ports: config.ports,
                projectFile: config.rcFile,
                ignored: config.ignored,
              }
            : null,
          authStartupMs: backend.started.auth?.startupMs ?? null,
          env: {
            FIRESTORE_EMULATOR_HOST: backend.firestore,
            FIREBASE_STORAGE_EMULATOR_HOST: backend.storage!,
            FIREBASE_AUTH_EMULATOR_HOST: backend.auth!,
            GCLOUD_PROJECT: backend.projectId,
          },
        };
        // The endpoints are printed now, not when the command ends: it runs until interrupted.
        if (options.json)
          process.stdout.write(`${JSON.stringify({ status: 'running', result }, null, 2)}\n`);
        else {
          out.line(
            `Firestore emulator  ${backend.firestore}  (started in ${result.firestoreStartupMs} ms)`,
          );
          out.line(
            `Storage emulator    ${backend.storage}  (rules ${registration.storageRules === 'enforced' ? `enforced: storage.rules via ${runtime.jar}` : 'OPEN: every request permitted'})`,
          );
          out.line(
            `Auth emulator       ${backend.auth}  (started in ${result.authStartupMs} ms; \`pair --user U\` makes a user the app signs in as)`,
          );
          out.line(`Project             ${backend.projectId}`);
          if (config.file) {
            const used = Object.keys(config.ports).filter(
              (name) => !own[`${name}Port` as 'firestorePort'],
            );
            out.line(
              `Config              ${config.file}${used.length ? ` (ports of ${used.join(', ')})` : ' (no ports used)'}${config.rcFile ? `; project from ${config.rcFile}` : ''}`,
            );
            for (const note of config.ignored) out.line(`                    not used: ${note}`);
          }
          out.line('');
          out.line('To point the app or another tool at them:');
          for (const [name, value] of Object.entries(result.env))
            out.line(`  export ${name}=${value}`);
          out.line('');
          out.line(
            `Other personalai-sync commands using --data-dir ${options.dataDir} attach automatically.`,
          );
          out.line('Press Ctrl-C to stop.');
        }
        await waitForStopSignal();
        out.info('Stopping emulators…');
        await backend.stop();
        removeRegistration(options.dataDir, process.pid);
        out.info('Stopped.');
        return { result: { stopped: true }, print: () => {}, alreadyPrinted: true };
      }),
    );

  emulators
    .command('status')
    .description('show whether managed emulators are running for this data directory')
    .action(
      wrapAction(async (options) => {
        const registration = readLiveRegistration(options.dataDir);
        if (!registration) {
          return {
            result: { running: false, registration: registrationFile(options.dataDir) },
            print: (_r, out) =>
              out.line(`No managed emulators are running for ${options.dataDir}.`),
          };
        }
        const firestoreUp = await isFirestoreEmulatorUp(registration.firestore);
        const storageUp = await isHttpUp(registration.storage);
        // A registration from before Auth was managed has none: nothing to check, nothing wrong.
        const authUp = registration.auth ? await isAuthEmulatorUp(registration.auth) : null;
        const r = registration;
        const storageRules = r.storageRules ?? 'unknown';
        return {
          result: { running: true, ...r, storageRules, firestoreUp, storageUp, authUp },
          exitCode: firestoreUp && storageUp && authUp !== false ? 0 : 1,
          print: (_result, out) => {
            out.line(
              `Managed emulators (pid ${r.pid}, since ${r.startedAt}), project ${r.projectId}`,
            );
            out.line(`  Firestore  ${r.firestore}  ${firestoreUp ? 'up' : 'NOT ANSWERING'}`);
            out.line(
              `  Storage    ${r.storage}  ${storageUp ? 'up' : 'NOT ANSWERING'}  rules ${storageRules === 'open' ? 'OPEN (every request permitted)' : storageRules}`,
            );
            if (r.auth) out.line(`  Auth       ${r.auth}  ${authUp ? 'up' : 'NOT ANSWERING'}`);
          },
        };
      }),
    );

  emulators
    .command('stop')
    .description('stop the managed emulators started by `emulators start`')
    .action(
      wrapAction(async (options) => {
        const registration = readLiveRegistration(options.dataDir);
        if (!registration) {
          return {
            result: { stopped: false, reason: 'not running' },
            print: (_r, out) =>
              out.line(`No managed emulators are running for ${options.dataDir}.`),
          };
        }
        process.kill(registration.pid, 'SIGTERM');
        const gone = await waitUntil(() => !isProcessAlive(registration.pid), 20_000);
        if (!gone) {
          throw new EnvironmentError(
            `The emulators process ${registration.pid} did not stop within 20 s; kill it with \`kill ${registration.pid}\`.`,
          );
        }
        return {
          result: { stopped: true, pid: registration.pid },
          print: (_r, out) => out.line(`Stopped the emulators (pid ${registration.pid}).`),
        };
      }),
    );
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}
