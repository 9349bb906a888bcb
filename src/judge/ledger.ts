import type { DataTable } from '../db/schema-current';
import { BOOKKEEPING, SYNC_FILLED, same } from './columns';
import type { DeviceReader } from './device-reader';

/**
 * The formats another writer writes in (src/simulate/writer-documents.ts has the writer's own
 * list; a format added there and not here fails to compile where the runner records it).
 */
export type WriterFormat = 'wire' | 'original' | 'malformed';

/**
 * What the scenario did, written down by the runner as it happens and judged afterwards: every
 * create, update and delete a step made (which device, which fields, which values), and the
 * moment (observation round) each was seen acknowledged on its device's disk — the record
 * synced with exactly those values and nothing queued for it. A write the device later replaced
 * with a newer write of its own before it was acknowledged is marked superseded.
 */
export interface LedgerWrite {
  seq: number;
  step: number;
  user: string;
  device: string;
  table: DataTable;
  id: string;
  kind: 'create' | 'update' | 'delete';
  /** The values the step wrote (a create: all its fields; a delete: none). */
  fields: Record<string, unknown>;
  /** The observation round the write was made in (a later round saw later passes). */
  madeAt: number;
  ackedAt: number | null;
  superseded: boolean;
  /**
   * Set for a write of another writer (a `write` step, not a device): its format. Such a write is
   * acknowledged when its commit returns; `original` and `malformed` documents are not expected
   * on any device (the pull cannot see them, or quarantines them).
   */
  format?: WriterFormat;
}

export class Ledger {
  readonly writes: LedgerWrite[] = [];
  private round = 0;
  private readonly open = new Map<string, LedgerWrite[]>();

  add(write: Omit<LedgerWrite, 'seq' | 'madeAt' | 'ackedAt' | 'superseded'>): void {
    const key = write.device;
    const open = this.open.get(key) ?? [];
    for (const earlier of open)
      if (earlier.table === write.table && earlier.id === write.id) earlier.superseded = true;
    const entry: LedgerWrite = {
      ...write,
      seq: this.writes.length,
      madeAt: this.round,
      ackedAt: null,
      superseded: false,
    };
    this.writes.push(entry);
    open.push(entry);
    this.open.set(key, open);
  }

  /**
   * A write of another writer: no device holds it, so nothing observes it; the runner marks it
   * acknowledged (`acknowledge`) when its commit has returned.
   */
  addExternal(
    write: Omit<LedgerWrite, 'seq' | 'madeAt' | 'ackedAt' | 'superseded' | 'format'> & {
      format: WriterFormat;
    },
  ): LedgerWrite {
    const entry: LedgerWrite = {
      ...write,
      seq: this.writes.length,
      madeAt: this.round,
      ackedAt: null,
      superseded: false,
    };
    this.writes.push(entry);
    return entry;
  }

  /** Rounds in which a device's pass died (a crash point or a kill), by device. */
  readonly crashes = new Map<string, number[]>();

  /** A pass of this device died in the current round: what it had learned in memory is gone. */
  crashed(device: string): void {
    this.crashes.set(device, [...(this.crashes.get(device) ?? []), this.round]);
  }

  /** Whether the device died between making this write and its acknowledgement being seen. */
  diedWhileOpen(write: LedgerWrite): boolean {
    return (this.crashes.get(write.device) ?? []).some(
      (round) => round >= write.madeAt && (write.ackedAt === null || round < write.ackedAt),
    );
  }

  /** Marks writes acknowledged now (in the current round). */
  acknowledge(writes: LedgerWrite[]): void {
    for (const write of writes) write.ackedAt = this.round;
  }

  /** Starts a new observation round (writes seen in the same round count as simultaneous). */
  nextRound(): number {
    this.round += 1;
    return this.round;
  }

  /** Looks at one device's disk and marks the writes it shows acknowledged. */
  observe(device: string, reader: DeviceReader): number {
    const open = this.open.get(device);
    if (!open || open.length === 0) return 0;
    const queued = new Map<DataTable, Set<string>>();
    const queuedIn = (table: DataTable) => {
      const ids = queued.get(table) ?? reader.queuedIds(table);
      queued.set(table, ids);
      return ids;
    };
    let acked = 0;
    const still: LedgerWrite[] = [];
    for (const write of open) {
      if (write.superseded) continue;
      if (queuedIn(write.table).has(write.id)) {
        still.push(write);
        continue;
      }
      const row = reader.row(write.table, write.id);
      const ok =
        write.kind === 'delete'
          ? row === null
          : row !== null &&
            row.sync_status === 'synced' &&
            Object.entries(write.fields).every(
              ([field, value]) =>
                BOOKKEEPING.has(field) || SYNC_FILLED.has(field) || same(row[field], value),
            );
      if (ok) {
        write.ackedAt = this.round;
        acked += 1;
      } else still.push(write);
    }
    this.open.set(device, still);
    return acked;
  }

  /** The last step that wrote a record, for naming it in a violation. */
  lastWrite(table: DataTable, id: string): LedgerWrite | null {
    for (let i = this.writes.length - 1; i >= 0; i -= 1) {
      const w = this.writes[i];
      if (w.table === table && w.id === id) return w;
    }
    return null;
  }

  idsOf(user: string, table: DataTable): Set<string> {
    return new Set(
      this.writes.filter((w) => w.user === user && w.table === table).map((w) => w.id),
    );
  }

  get acknowledged(): number {
    return this.writes.filter((w) => w.ackedAt !== null).length;
  }
}

/** Who wrote each record (`table/id` → device keys, another writer's `writer (as)` too). */
export function writersByRecord(
  writes: Array<Pick<LedgerWrite, 'device' | 'table' | 'id'>>,
): Map<string, Set<string>> {
  const writers = new Map<string, Set<string>>();
  for (const w of writes) {
    const key = `${w.table}/${w.id}`;
    writers.set(key, (writers.get(key) ?? new Set()).add(w.device));
  }
  return writers;
}
