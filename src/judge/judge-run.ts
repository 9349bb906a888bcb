import type { Bucket } from '@google-cloud/storage';
import type { Firestore } from 'firebase-admin/firestore';
import { checkInvariants, type Violation } from './check-invariants';
import { DeviceReader } from './device-reader';
import { readUserDocuments } from './server-reader';

export type { Violation } from './check-invariants';

/** `run`'s verdict: the general invariants over one user's devices. */
export interface RunVerdict {
  holds: boolean;
  count: number;
  violations: Violation[];
  checked: { records: number; files: number };
}

/**
 * Judges a `run` from outside: each device's SQLite file opened read-only (beside the engine's
 * own connection, which may still be open), and the user's documents and files read from the
 * server. The sync engine's objects are never asked anything.
 */
export async function judgeRun(options: {
  userId: string;
  devices: Array<{ deviceId: string; databaseFile: string }>;
  firestore: Firestore;
  bucket: Bucket | null;
}): Promise<RunVerdict> {
  const readers: DeviceReader[] = [];
  try {
    for (const device of options.devices)
      readers.push(new DeviceReader(device.deviceId, device.databaseFile));
    const result = await checkInvariants({
      userId: options.userId,
      devices: readers.map((r) => r.view()),
      docs: await readUserDocuments(options.firestore, options.userId),
      bucket: options.bucket,
    });
    return { holds: result.count === 0, ...result };
  } finally {
    for (const reader of readers) reader.close();
  }
}
