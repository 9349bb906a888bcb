import fs from 'node:fs';
import path from 'node:path';

/**
 * The simulated devices of a user in the data directory: one database file each
 * (`devices/{user}/{device}.db` or `.loki.json`, src/db/device-paths.ts). Read again whenever a
 * writer is not among them, so a device made while `pair` runs is recognised.
 */
export function harnessDevicesOf(dataDir: string, userId: string): Set<string> {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(dataDir, 'devices', userId));
  } catch {
    return new Set();
  }
  const ids = names.flatMap((name) => {
    const match = /^(.+?)\.(db|loki\.json)$/.exec(name);
    return match ? [match[1]] : [];
  });
  return new Set(ids);
}
