import type { Command } from 'commander';
import { assertSafeId } from '../core/ids';
import { resolveDataDir } from '../db/device-paths';
import { parseHostPort } from '../emulators/endpoints';
import { UsageError } from './errors';

/** The flags every command takes (DESIGN.md, "The CLI"). */
export interface GlobalOptions {
  user: string;
  device: string;
  json: boolean;
  dataDir: string;
  project?: string;
  firestore?: string;
  storage?: string;
  /** Permission to use a real Firebase project (a project id not starting with demo-). */
  allowProduction: boolean;
  /** Confirms in advance what a production target would ask on a terminal. */
  yes: boolean;
  /** Storage bucket of a production target (default `<project>.appspot.com`). */
  bucket?: string;
  seed?: number;
  quiet: boolean;
  verbose: boolean;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--user <id>', 'user id of the simulated device', 'user-1')
    .option('--device <id>', 'which simulated device', 'device-1')
    .option('--json', 'one JSON document on stdout, nothing else there', false)
    .option('--data-dir <dir>', 'where device databases and state live', '.personalai-sync')
    .option(
      '--project <id>',
      'Firebase project id: demo-… for emulators; any other id is a real project (see --allow-production)',
    )
    .option('--firestore <host:port>', 'use the Firestore emulator running there')
    .option('--storage <host:port>', 'use the Storage emulator running there')
    .option(
      '--allow-production',
      'allow a real Firebase project (--project not starting with demo-, no emulator configured)',
      false,
    )
    .option(
      '--yes',
      'against a real project: confirm in advance what seed and clean would ask on a terminal',
      false,
    )
    .option('--bucket <name>', 'Storage bucket of a real project (default <project>.appspot.com)')
    .option('--seed <n>', 'seed for every random draw (reproducible runs)')
    .option('--quiet', 'print only results and errors', false)
    .option('--verbose', 'print emulator output and details', false);
}

export function readGlobalOptions(command: Command): GlobalOptions {
  const raw = command.optsWithGlobals() as Record<string, unknown>;
  const user = String(raw.user);
  const device = String(raw.device);
  try {
    assertSafeId('User', user);
    assertSafeId('Device', device);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    user,
    device,
    json: Boolean(raw.json),
    dataDir: resolveDataDir(raw.dataDir as string | undefined),
    project: raw.project as string | undefined,
    firestore:
      raw.firestore === undefined ? undefined : parseHostPort(String(raw.firestore), 'flag'),
    storage: raw.storage === undefined ? undefined : parseHostPort(String(raw.storage), 'flag'),
    allowProduction: Boolean(raw.allowProduction),
    yes: Boolean(raw.yes),
    bucket: raw.bucket as string | undefined,
    seed: raw.seed === undefined ? undefined : parseInteger('--seed', raw.seed),
    quiet: Boolean(raw.quiet),
    verbose: Boolean(raw.verbose),
  };
}

export function parseInteger(flag: string, value: unknown, min = 0): number {
  const text = String(value);
  if (!/^-?\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${text}".`);
  }
  return Number(text);
}
