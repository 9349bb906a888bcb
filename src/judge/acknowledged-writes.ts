import { BOOKKEEPING, SYNC_FILLED, same } from './columns';
import { describeValue } from './describe-value';
import type { LedgerWrite } from './ledger';
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
      const doc = docs.get(w.table)!.get(w.id);
      const live = doc && doc._deleted !== true ? doc : null;
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
