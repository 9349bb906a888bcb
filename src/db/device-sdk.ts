import type { Database } from '@nozbe/watermelondb';
import { isSdk, type Sdk } from '../core/sdk';

/** Where a device remembers its SDK: in its own database, so it travels with the device. */
const KEY = 'personalai-sync:sdk';

/**
 * The SDK a device syncs through. A device keeps the SDK it was made or last synced with
 * (`seed --sdk client` makes a phone that later `sync`s and `run`s as a client); an explicit
 * choice wins and is remembered. A device may switch: versions are the same on both SDKs
 * (docs/wire-format.md), so nothing it holds is invalidated.
 */
export async function deviceSdk(database: Database, chosen?: Sdk): Promise<Sdk> {
  const remembered = await database.localStorage.get<string>(KEY);
  const sdk = chosen ?? (isSdk(remembered) ? remembered : 'admin');
  if (remembered !== sdk) await database.localStorage.set(KEY, sdk);
  return sdk;
}

/** The SDK a device remembers, without choosing (null: never chosen, so admin). */
export async function rememberedSdk(database: Database): Promise<Sdk | null> {
  const remembered = await database.localStorage.get<string>(KEY);
  return isSdk(remembered) ? remembered : null;
}
