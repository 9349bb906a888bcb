import type { ResolvedEndpoints } from '../emulators/endpoints';

/**
 * Said when a command started its own emulators (none were running, none were named). Their data
 * lives in the data directory between commands (src/emulators/saved-state.ts): without that a
 * second `run` met an empty server and exited 1 with 285 "not on the server" violations and no
 * word why (issue 18, finding 1). The user should still know which server they talk to.
 */
export function throwawayNotice(
  dataDir: string,
  saved: { dir: string; loaded: boolean } | null,
): string {
  if (!saved)
    return `Started emulators for this command only: they began empty and stop when it ends, so what devices in ${dataDir} synced before is not on this server. To keep server data between commands, run \`personalai-sync emulators start\` in another terminal first.`;
  return `Started emulators for this command, ${saved.loaded ? 'with the server data saved by the last command' : 'empty (nothing saved yet)'} from ${saved.dir}; what it writes is saved there when it ends. \`personalai-sync emulators start\` keeps one running instead; \`run --fresh\` clears your user's data.`;
}

/**
 * Said when a command attached to emulators because the app's firebase.json names their ports (a
 * `firebase emulators:start` of the app's, answering there): the user should know which server.
 */
export function configuredNotice(
  configFile: string | null,
  resolved: Pick<ResolvedEndpoints, 'firestore' | 'storage' | 'source'>,
): string | null {
  if (!configFile) return null;
  const used = (['firestore', 'storage'] as const)
    .filter((name) => resolved.source[name] === 'firebase.json')
    .map((name) => `${name === 'firestore' ? 'Firestore' : 'Storage'} ${resolved[name]}`);
  return `Using the emulators running on the ports ${configFile} names (${used.join(', ')}); --firestore/--storage or the emulator variables choose others.`;
}
