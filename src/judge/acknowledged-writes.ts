import { BOOKKEEPING, SYNC_FILLED, same } from './columns';
import { describeValue } from './describe-value';
import { type LedgerWrite, writersByRecord } from './ledger';
import type { ServerDocs } from './server-reader';
import type { AddViolation } from './verdict';

/**
 * acknowledged-writes: an acknowledged write must still be visible at the end, unless a write to
 * the same record was acknowledged at the same time or later (the strategy may let that one win).
 * An acknowledged delete must stay deleted under the same condition.
 */
export function checkAcknowledged(
  writes: LedgerWrite[],
  docs: ServerDocs,
  stepLabel: (step: number) => string,
  add: AddViolation,
) {
  const byRecord = new Map<string, LedgerWrite[]>();
  for (const w of writes) {
    if (w.ackedAt === null) continue;
    const key = `${w.table}/${w.id}`;
    byRecord.set(key, [...(byRecord.get(key) ?? []), w]);
  }
  for (const [record, acked] of byRecord) {
    for (const w of acked) {
      const later = acked.filter((o) => o !== w && o.ackedAt! >= w.ackedAt!);
      const live = liveDoc(docs, w);
      const base = {
        invariant: 'acknowledged-writes',
        record,
        device: w.device,
        step: stepLabel(w.step),
      };
      if (w.kind === 'delete') {
        if (live && !later.some((o) => o.kind !== 'delete'))
          add({ ...base, detail: 'deleted and acknowledged, yet alive on the server' });
        continue;
      }
      if (later.length > 0) continue;
      if (!live) {
        add({ ...base, detail: `acknowledged ${w.kind}, yet the record is not on the server` });
        continue;
      }
      for (const [field, value] of Object.entries(w.fields)) {
        if (BOOKKEEPING.has(field) || SYNC_FILLED.has(field)) continue;
        if (!same(live[field], value))
          add({
            ...base,
            detail: `${field} is ${describeValue(live[field])} on the server; this step wrote ${describeValue(value)}, it was acknowledged, and nothing overrode it`,
          });
      }
    }
  }
}

/**
 * acknowledged-writes, the other half: a device's write never seen acknowledged must not simply
 * vanish. When nothing else could have replaced it (no other device or writer wrote the record, no
 * conflict was reported on it, it is not parked on its device), its values must be on the server
 * at the end (the observer can miss an acknowledgement, e.g. a retention cleanup in the same step
 * removed the synced record), and a delete must have reached it. A device that loses its own
 * unsynced records (a cleanup of pending ones, a delete that never queues) is caught here.
 */
export function checkUnacknowledged(
  writes: LedgerWrite[],
  docs: ServerDocs,
  excused: { conflicted: Set<string>; parked: Set<string> },
  stepLabel: (step: number) => string,
  add: AddViolation,
) {
  const writers = writersByRecord(writes);
  for (const w of writes) {
    if (w.ackedAt !== null || w.superseded || w.format) continue;
    const record = `${w.table}/${w.id}`;
    if (writers.get(record)!.size > 1 || excused.conflicted.has(record)) continue;
    if (excused.parked.has(`${w.device} ${record}`)) continue;
    const live = liveDoc(docs, w);
    const base = {
      invariant: 'acknowledged-writes',
      record,
      device: w.device,
      step: stepLabel(w.step),
    };
    if (w.kind === 'delete') {
      if (live)
        add({
          ...base,
          detail:
            'deleted on the device, never acknowledged, and alive on the server; no other writer touched it',
        });
      continue;
    }
    if (!live) {
      add({
        ...base,
        detail: `this ${w.kind} was never acknowledged and the record is not on the server; no other writer touched it: lost on the device`,
      });
      continue;
    }
    const differs = Object.entries(w.fields).find(
      ([field, value]) =>
        !BOOKKEEPING.has(field) && !SYNC_FILLED.has(field) && !same(live[field], value),
    );
    if (differs)
      add({
        ...base,
        detail: `this ${w.kind} was never acknowledged: ${differs[0]} is ${describeValue(live[differs[0]])} on the server, the step wrote ${describeValue(differs[1])}, and no other writer touched it`,
      });
  }
}

/** The record as it stands on the server, or null when it is absent or a tombstone. */
function liveDoc(docs: ServerDocs, w: Pick<LedgerWrite, 'table' | 'id'>) {
  const doc = docs.get(w.table)!.get(w.id);
  return doc && doc._deleted !== true ? doc : null;
}
