/**
 * Said when a command started its own emulators (none were running, none were named): they
 * begin empty and stop with the command, so devices of this data directory that synced before
 * meet a server that has none of their records, and the checker says so at length (issue 18,
 * finding 1: a second `run` exited 1 with 285 "not on the server" violations and no word why).
 */
export function throwawayNotice(dataDir: string): string {
  return `Started emulators for this command only: they began empty and stop when it ends, so what devices in ${dataDir} synced before is not on this server. To keep server data between commands, run \`personalai-sync emulators start\` in another terminal first (or pass --fresh to start over).`;
}
