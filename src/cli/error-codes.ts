import { CommanderError } from 'commander';
import { DatabaseUrlError } from '../db/database-url';
import { ForeignDatabaseError } from '../db/existing-database-check';
import { DataDirectoryError } from '../db/writable-directory';
import { EndpointError } from '../emulators/endpoints';
import { EnvironmentError } from '../emulators/environment-error';
import { ScenarioInputError } from '../scenario/load-scenario';
import { EXIT, UsageError } from './errors';

/**
 * Every error the CLI reports has a stable, machine-readable code in the `--json` envelope
 * (`{"status":"error","exitCode":2,"error":{"code":"usage","name":…,"message":…}}`), so scripts
 * branch on the code, never on the wording. Codes are only ever added, never renamed.
 */
export const ERROR_CODES = {
  usage: { exit: EXIT.usage, means: 'a flag, argument or value is wrong; the message says which' },
  'usage.unknown-option': { exit: EXIT.usage, means: 'an option the command does not have' },
  'usage.unknown-command': { exit: EXIT.usage, means: 'no such command' },
  'usage.missing-argument': { exit: EXIT.usage, means: 'a required argument is missing' },
  'usage.invalid-argument': { exit: EXIT.usage, means: 'an argument or option value is invalid' },
  'scenario-input': { exit: EXIT.usage, means: 'a scenario file does not parse or validate' },
  'database-url': { exit: EXIT.usage, means: '--db is not a sqlite: or loki: URL this tool opens' },
  endpoint: { exit: EXIT.usage, means: 'an emulator address is not HOST:PORT on loopback' },
  environment: {
    exit: EXIT.environment,
    means: 'the machine lacks something (Java, an emulator, a free port); `doctor` says what',
  },
  'foreign-database': {
    exit: EXIT.environment,
    means: 'the database file exists but is not a device database of this tool',
  },
  'data-directory': { exit: EXIT.environment, means: '--data-dir cannot be created or written' },
  failed: { exit: EXIT.failures, means: 'the command ran and something it checked failed' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function errorCodeFor(error: unknown): ErrorCode {
  if (error instanceof CommanderError) {
    const sub = error.code.replace(/^commander\./, '');
    if (sub === 'unknownOption') return 'usage.unknown-option';
    if (sub === 'unknownCommand') return 'usage.unknown-command';
    if (sub === 'missingArgument' || sub === 'optionMissingArgument')
      return 'usage.missing-argument';
    if (sub === 'invalidArgument') return 'usage.invalid-argument';
    return 'usage';
  }
  if (error instanceof ScenarioInputError) return 'scenario-input';
  if (error instanceof DatabaseUrlError) return 'database-url';
  if (error instanceof EndpointError) return 'endpoint';
  if (error instanceof UsageError) return 'usage';
  if (error instanceof EnvironmentError) return 'environment';
  if (error instanceof ForeignDatabaseError) return 'foreign-database';
  if (error instanceof DataDirectoryError) return 'data-directory';
  return 'failed';
}
