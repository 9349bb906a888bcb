import type { Command } from 'commander';
import { ERROR_CODES } from './error-codes';
import { EXIT } from './errors';

/**
 * `personalai-sync help [topic | command]`, as gh does it: `help exit-codes` and
 * `help environment` are topics; `help sync` is the command's own help.
 */
export const HELP_TOPICS = {
  'exit-codes': () =>
    [
      'Exit codes',
      `  ${EXIT.ok}    the command did what it was asked and everything it checked held`,
      `  ${EXIT.failures}    it ran and something failed (a sync error, a violated invariant, a failed scenario)`,
      `  ${EXIT.usage}    bad usage or input (a flag, a file, a refused target): nothing was changed`,
      `  ${EXIT.environment}    the machine lacks something (Java, an emulator, a port, a writable folder)`,
      '  130  stopped by Ctrl-C (a soak or a long run prints what it did first)',
      '  143  stopped by SIGTERM (`run` prints what it did first, as for Ctrl-C)',
      '',
      'With --json every error is one document on stdout with a stable code:',
      '  {"status":"error","exitCode":2,"error":{"code":"usage.unknown-option","name":"UsageError","message":"…"}}',
      '',
      'Error codes',
      ...Object.entries(ERROR_CODES).map(
        ([code, { exit, means }]) => `  ${code.padEnd(24)} exit ${exit}  ${means}`,
      ),
    ].join('\n'),
  environment: () =>
    [
      'Environment variables',
      '  FIRESTORE_EMULATOR_HOST          attach to a running Firestore emulator (HOST:PORT on loopback)',
      '  FIREBASE_STORAGE_EMULATOR_HOST   attach to a running Storage emulator',
      '  FIREBASE_AUTH_EMULATOR_HOST      attach to a running Auth emulator (pair, client-SDK devices)',
      '  FIRESTORE_EMULATOR_BINARY_PATH   where Google’s Firestore emulator is (launcher or JAR)',
      '  STORAGE_EMULATOR_BINARY_PATH     the Storage rules runtime JAR (rules are enforced when found)',
      '  FIREBASE_EMULATORS_PATH          firebase-tools’ emulator cache folder',
      '  CHROMIUM_PATH                    the Chromium `npm test` renders HTML reports in',
      '  NO_COLOR                         no colours or spinners on a terminal',
      '  PERSONALAI_SYNC_DEBUG            print stack traces of internal errors',
      '',
      'Flags win over variables, variables over a registered `emulators start`, and that over an',
      'emulator answering on a port the nearest firebase.json (from the current folder up) names;',
      '.firebaserc’s default project is used when it is a demo- id and no --project is given.',
      'Emulators a command starts itself (none found) keep their data in',
      '<data dir>/emulator-data between commands; `run --fresh` clears your user’s data.',
      'Nothing connects off loopback: a variable pointing elsewhere is refused (`doctor` checks them).',
    ].join('\n'),
} as const;

export function registerHelpCommand(program: Command): void {
  program.helpCommand(false);
  program
    .command('help')
    .argument('[topic...]', `a command, or a topic: ${Object.keys(HELP_TOPICS).join(', ')}`)
    .description(`help for a command, or a topic (${Object.keys(HELP_TOPICS).join(', ')})`)
    .action((words: string[]) => {
      if (words.length === 0) return program.outputHelp();
      const topic = HELP_TOPICS[words[0] as keyof typeof HELP_TOPICS];
      if (topic && words.length === 1) {
        process.stdout.write(`${topic()}\n`);
        return;
      }
      let command: Command | undefined = program;
      for (const word of words) command = command?.commands.find((c) => c.name() === word);
      if (!command) {
        process.stderr.write(
          `personalai-sync: no command or help topic "${words.join(' ')}"; topics: ${Object.keys(HELP_TOPICS).join(', ')}; commands: ${program.commands.map((c) => c.name()).join(', ')}.\n`,
        );
        process.exitCode = EXIT.usage;
        return;
      }
      command.outputHelp();
    });
}

export const ROOT_HELP_AFTER = `
Examples:
  $ personalai-sync run --offline-for 30s          # one simulated phone, offline for 30 s, then synced
  $ personalai-sync emulators start                # keep emulators (and their data) between commands
  $ personalai-sync --device phone seed --count 200 && personalai-sync --device phone sync
  $ personalai-sync scenario run scenarios/        # replay and judge the scenario library
  $ personalai-sync doctor                         # what this machine lacks

Help topics: personalai-sync help exit-codes | help environment
Exit codes: 0 ok, 1 something failed, 2 bad usage or input, 3 the machine lacks something, 130 Ctrl-C.
`;
