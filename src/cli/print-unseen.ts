import { DATA_TABLES, type DataTable } from '../db/schema-current';
import type { UnseenDocs } from '../sync/remote-store';
import { type Printer, printable } from './output';

const IDS_PRINTED = 10;

/**
 * The documents of a user the pull can never see, by collection and id (never by value), and
 * the command that adopts them. Prints nothing when there are none. Shared by sync and status.
 */
export function printUnseen(
  found: Partial<Record<DataTable, UnseenDocs | null>>,
  user: string,
  out: Printer,
  asOf = '',
): void {
  const total = Object.values(found).reduce((sum, u) => sum + (u?.count ?? 0), 0);
  if (total === 0) return;
  out.line(
    `  ${total} document(s) of ${user} on the server are outside the pull's order (no valid _server_time)${asOf} and never reach a device:`,
  );
  for (const table of DATA_TABLES) {
    const unseen = found[table];
    if (!unseen || unseen.count === 0) continue;
    const ids = unseen.ids.slice(0, IDS_PRINTED).map(printable);
    const more = unseen.count - ids.length;
    out.line(
      `    ${table.padEnd(15)} ${unseen.count}: ${ids.join(', ')}${more > 0 ? ` … and ${more} more` : ''}`,
    );
  }
  out.line(
    `  \`personalai-sync --user ${user} adopt --dry-run\` lists them all and what adoption would change; \`adopt\` makes them sync.`,
  );
}
