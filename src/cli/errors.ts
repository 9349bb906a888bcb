import { DatabaseUrlError } from '../db/database-url';
import { ForeignDatabaseError } from '../db/existing-database-check';
import { DataDirectoryError } from '../db/writable-directory';
import { EndpointError } from '../emulators/endpoints';
import { EnvironmentError } from '../emulators/environment-error';
import { ScenarioInputError } from '../scenario/load-scenario';

/** Bad usage or bad input: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = { ok: 0, failures: 1, usage: 2, environment: 3 } as const;

export function exitCodeFor(error: unknown): number {
  if (
    error instanceof UsageError ||
    error instanceof ScenarioInputError ||
    error instanceof DatabaseUrlError ||
    error instanceof EndpointError
  ) {
    return EXIT.usage;
  }
  if (
    error instanceof EnvironmentError ||
    error instanceof ForeignDatabaseError ||
    error instanceof DataDirectoryError
  )
    return EXIT.environment;
  if ((error as { code?: string })?.code?.startsWith?.('commander.')) return EXIT.usage;
  return EXIT.failures;
}
