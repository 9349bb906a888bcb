import { DATA_TABLES, type DataTable } from '../db/schema-current';
import type { DeviceView } from './device-reader';
import type { Ledger } from './ledger';
import type { ServerDocs } from './server-reader';
import type { AddViolation } from './verdict';

/**
 * no-duplicates: nothing on the server or on a device that no step of this user created. A record
 * some other user's step created, found on this user's device, breaks isolation instead. A
 * document a writer wrote malformed must never reach a device (the pull quarantines it).
 */
export async function checkDuplicates(input: {
  user: { name: string; devices: Array<{ key: string; view: DeviceView }> };
  users: Array<{ name: string }>;
  ledger: Ledger;
  docs: ServerDocs;
  unapplied: Map<string, 'original' | 'malformed'>;
  label: (table: DataTable, id: string) => string | null;
  add: AddViolation;
}) {
  const { user, ledger, add, label } = input;
  for (const table of DATA_TABLES) {
    const known = ledger.idsOf(user.name, table);
    for (const id of input.docs.get(table)!.keys())
      if (!known.has(id))
        add({
          invariant: 'no-duplicates',
          record: `${table}/${id}`,
          device: null,
          step: null,
          detail: 'on the server, but no step of this user created it',
        });
    for (const device of user.devices)
      for (const row of await device.view.rows(table)) {
        const id = row.id as string;
        if (input.unapplied.get(`${table}/${id}`) === 'malformed')
          add({
            invariant: 'converged',
            record: `${table}/${id}`,
            device: device.key,
            step: label(table, id),
            detail:
              'a writer wrote this document malformed; the pull must quarantine it, yet it is on this device',
          });
        if (!known.has(id)) {
          const owner = input.users.find((u) => u !== user && ledger.idsOf(u.name, table).has(id));
          add({
            invariant: owner ? 'isolation' : 'no-duplicates',
            record: `${table}/${id}`,
            device: device.key,
            step: label(table, id),
            detail: owner
              ? `a record of ${owner.name} is on this device of ${user.name}`
              : 'on this device, but no step of this user created it',
          });
        }
      }
  }
}
