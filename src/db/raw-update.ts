import type { Model } from '@nozbe/watermelondb';

type RawPatch = Record<string, string | number | boolean | null>;

interface RawWritable {
  _raw: Record<string, unknown>;
  _dangerouslySetRawWithoutMarkingColumnChange(column: string, value: unknown): void;
}

/**
 * Prepares an update that writes exactly `patch` to the record's columns.
 *
 * WatermelonDB's prepareUpdate() stamps `updated_at` with the process clock (Date.now()) on every
 * update. `updated_at` is app data that syncs, so sync bookkeeping (status, versions) must not
 * move it, and app edits must take it from the injected clock: the original value is put back
 * unless the patch sets it. (WatermelonDB's own `_status`/`_changed` tracking is not used by
 * this sync engine; the durable sync_queue is.)
 */
export function prepareRawUpdate<T extends Model>(record: T, patch: RawPatch): T {
  const writable = record as unknown as RawWritable;
  const updatedAtBefore = writable._raw.updated_at;
  return record.prepareUpdate(() => {
    if (!('updated_at' in patch) && updatedAtBefore !== undefined) {
      writable._dangerouslySetRawWithoutMarkingColumnChange('updated_at', updatedAtBefore);
    }
    for (const [column, value] of Object.entries(patch)) {
      writable._dangerouslySetRawWithoutMarkingColumnChange(column, value);
    }
  });
}

export function rawOf(record: Model): Record<string, unknown> {
  return (record as unknown as RawWritable)._raw;
}
