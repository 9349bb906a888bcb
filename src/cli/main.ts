import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ignoreLateClosedClientRejections } from '../scenario/guard-run';
import { registerAdoptCommand } from './adopt';
import { registerBenchCommand } from './bench';
import { registerCleanCommand } from './clean';
import { registerDoctorCommand } from './doctor';
import { registerEmulatorsCommand } from './emulators';
import { EXIT } from './errors';
import { addGlobalOptions } from './global-options';
import { ROOT_HELP_AFTER, registerHelpCommand } from './help-topics';
import { exitOnClosedStdout, reportError } from './output';
import { registerPairCommand } from './pair';
import { registerRecordsCommand } from './records';
import { registerRunCommand } from './run';
import { registerScenarioCommand } from './scenario';
import { registerSeedCommand } from './seed';
import { registerStatusCommand } from './status';
import { registerSyncCommand } from './sync';
import { registerWatchCommand } from './watch';

/**
 * The program. `jsonErrors`: commander's own parse errors are not written to stderr, so that
 * main() reports them in the --json envelope (one JSON document on stdout) like any usage error.
 * Set before the commands are added: subcommands copy the output settings when they are made.
 */
export function buildProgram(options: { jsonErrors?: boolean } = {}): Command {
  const program = new Command('personalai-sync')
    .configureOutput({
      outputError: (text, write) => {
        if (!options.jsonErrors) write(text);
      },
    })
    .description(
      "The PersonalAI app's sync layer in Node, and a harness that runs it against the real Firebase emulators.",
    )
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError(options.jsonErrors ? false : '(run with --help for usage)')
    .exitOverride()
    // Subcommands' help lists the global flags too (commands copy this when they are made).
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', ROOT_HELP_AFTER);
  addGlobalOptions(program);
  registerEmulatorsCommand(program);
  registerSeedCommand(program);
  registerRunCommand(program);
  registerSyncCommand(program);
  registerScenarioCommand(program);
  registerBenchCommand(program);
  registerWatchCommand(program);
  registerPairCommand(program);
  registerStatusCommand(program);
  registerCleanCommand(program);
  registerAdoptCommand(program);
  registerDoctorCommand(program);
  registerRecordsCommand(program);
  registerHelpCommand(program);
  return program;
}

/** This package's version, from its package.json (the CLI runs from the source tree). */
function packageVersion(): string {
  const file = path.resolve(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<void> {
  // `personalai-sync status | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exitOnClosedStdout();
    throw error;
  });
  ignoreLateClosedClientRejections();
  const json = argv.includes('--json');
  const program = buildProgram({ jsonErrors: json });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (error.exitCode !== 0 && json) {
        reportError(error, true);
        return;
      }
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    reportError(error, argv.includes('--json'), argv.includes('--verbose'));
  }
}

if (require.main === module) {
  void main(process.argv);
}
