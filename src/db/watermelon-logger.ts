import logger from '@nozbe/watermelondb/utils/common/logger';

let routed = false;

/**
 * WatermelonDB logs to console.log, i.e. stdout, which must stay clean for `--json`.
 * `logger.silence()` would also hide its errors, so its output is sent to stderr instead.
 */
export function routeWatermelonLogsToStderr(): void {
  if (routed) return;
  routed = true;
  const toStderr = (...messages: unknown[]) => console.error(...messages);
  logger.log = toStderr;
  logger.debug = toStderr;
}
