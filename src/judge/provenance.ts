import type { DataTable } from '../db/schema-current';
import { BOOKKEEPING, SYNC_FILLED, same } from './columns';
import { describeValue } from './describe-value';
import type { LedgerWrite } from './ledger';
import type { ServerDocs } from './server-reader';
import type { AddViolation } from './verdict';

/** provenance: every user-visible value of every live server record was written by some step. */
export function checkProvenance(
  writes: LedgerWrite[],
  docs: ServerDocs,
  label: (table: DataTable, id: string) => string | null,
  add: AddViolation,
) {
  const written = new Map<string, Map<string, unknown[]>>();
  for (const w of writes) {
    const key = `${w.table}/${w.id}`;
    const fields = written.get(key) ?? new Map<string, unknown[]>();
    for (const [field, value] of Object.entries(w.fields))
      fields.set(field, [...(fields.get(field) ?? []), value]);
    written.set(key, fields);
  }
  for (const [table, byId] of docs) {
    for (const [id, doc] of byId) {
      if (doc._deleted === true) continue;
      const fields = written.get(`${table}/${id}`);
      if (!fields) continue; // reported as a duplicate
      for (const [field, value] of Object.entries(doc)) {
        if (BOOKKEEPING.has(field) || SYNC_FILLED.has(field)) continue;
        const candidates = fields.get(field) ?? [];
        if (!candidates.some((c) => same(c, value)))
          add({
            invariant: 'provenance',
            record: `${table}/${id}`,
            device: null,
            step: label(table, id),
            detail: `${field} is ${describeValue(value)} on the server, a value no step wrote`,
          });
      }
    }
  }
}
