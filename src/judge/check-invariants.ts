import type { Bucket } from '@google-cloud/storage';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import type { DeviceView } from './device-reader';
import { checkDeviceRows, checkDrained } from './device-state';
import { checkFiles } from './files';
import type { ServerDocs } from './server-reader';

/**
 * The general invariants, which need no record of what the run did: the devices (read from their
 * SQLite files) against the user's documents on the server, and the server's files in Storage.
 *
 *   converged      every device holds exactly the server's live records, field for field
 *   drained        no device has anything left in its sync queue
 *   deletions      no record the server has tombstoned is alive on any device
 *   isolation      no device holds a record of another user, and the server query saw none
 *   files          every voice note and photo on the server has its file (and thumbnail) in
 *                  Storage, with the checksum it was uploaded with
 */
export interface Violation {
  invariant: 'converged' | 'drained' | 'deletions' | 'isolation' | 'files';
  device: string | null;
  collection: DataTable | null;
  id: string | null;
  detail: string;
}

export interface GeneralVerdict {
  violations: Violation[];
  count: number;
  checked: { records: number; files: number };
}

export async function checkInvariants(options: {
  userId: string;
  devices: DeviceView[];
  /** The user's documents (src/judge/server-reader.ts). */
  docs: ServerDocs;
  bucket: Bucket | null;
  /** Stop listing after this many violations (the count stays exact). */
  limit?: number;
}): Promise<GeneralVerdict> {
  const violations: Violation[] = [];
  let count = 0;
  const add = (violation: Violation) => {
    count += 1;
    if (violations.length < (options.limit ?? 100)) violations.push(violation);
  };
  let records = 0;
  let files = 0;
  // Table by table, devices then files, so violations are listed in the order they always were.
  for (const table of DATA_TABLES) {
    const live = new Map<string, Record<string, unknown>>();
    const tombstoned = new Set<string>();
    for (const [id, data] of options.docs.get(table) ?? []) {
      if (data._deleted === true) tombstoned.add(id);
      else live.set(id, data);
    }
    records += live.size;
    await checkDeviceRows(table, options.userId, { live, tombstoned }, options.devices, (v) =>
      add({
        invariant: v.invariant,
        device: v.device,
        collection: table,
        id: v.id,
        detail: v.detail,
      }),
    );
    if (options.bucket)
      files += await checkFiles(options.bucket, table, options.userId, live, (v) =>
        add({ invariant: 'files', device: null, collection: v.table, id: v.id, detail: v.detail }),
      );
  }
  await checkDrained(options.devices, (v) =>
    add({ invariant: 'drained', device: v.device, collection: null, id: null, detail: v.detail }),
  );
  return { violations, count, checked: { records, files } };
}
