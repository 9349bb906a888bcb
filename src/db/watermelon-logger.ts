import logger from '@nozbe/watermelondb/utils/common/logger';

let verbose = false;
let configured = false;

/**
 * WatermelonDB logs to console.log, i.e. stdout, which must stay clean for `--json`, and it
 * narrates every set-up step. `logger.silence()` would also hide its warnings and errors, so
 * instead: informational lines only when verbose, and everything to stderr.
 */
export function routeWatermelonLogsToStderr(options: { verbose?: boolean } = {}): void {
  if (options.verbose !== undefined) verbose = options.verbose;
  if (configured) return;
  configured = true;
  const info = (...messages: unknown[]) => {
    if (verbose) console.error(...messages);
  };
  logger.log = info;
  logger.debug = info;
  logger.warn = (...messages: unknown[]) => console.error(...messages);
}
