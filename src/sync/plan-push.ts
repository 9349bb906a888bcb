import type { DataTable } from '../db/schema-current';
import type { QueueData, QueueOperation } from './queue';
import type { RemoteWrite } from './remote-store';
import { syncedColumnNames, type Values, valuesOfRaw } from './wire-format';

/** One record with unsent changes, as read from the queue and the record table. */
export interface LocalChange {
  id: string;
  operation: QueueOperation;
  data: QueueData;
  raw: Record<string, unknown> | null;
}

export interface PlannedWrite {
  write: RemoteWrite;
  /** The values sent: after the push, a record that no longer equals them was edited meanwhile. */
  snapshot: Values | null;
}

/**
 * The server write for one local change (pure). It always states the version the change is
 * based on: `create` when the record was never on the server, otherwise an update with the
 * base version as precondition, so the server refuses it if anyone wrote in between.
 */
export function planWrite(table: DataTable, change: LocalChange, userId: string): PlannedWrite {
  const base = change.data.base;
  if (change.operation === 'delete' || change.raw === null) {
    // A tombstone keeps user_id: the pull query of the user's other devices must still find it.
    const dataFields = syncedColumnNames(table).filter((f) => f !== 'user_id');
    return {
      write: {
        id: change.id,
        expected: base,
        set: { user_id: userId },
        remove: base === null ? [] : dataFields,
        deleted: true,
        changed: [],
      },
      snapshot: null,
    };
  }
  const values = valuesOfRaw(table, change.raw);
  if (base === null) {
    return {
      write: {
        id: change.id,
        expected: null,
        set: values,
        remove: [],
        deleted: false,
        changed: [],
      },
      snapshot: values,
    };
  }
  const fields = change.data.full ? syncedColumnNames(table) : change.data.fields;
  const set: Values = {};
  for (const field of fields) set[field] = values[field];
  return {
    write: { id: change.id, expected: base, set, remove: [], deleted: false, changed: fields },
    snapshot: values,
  };
}
