import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_TABLES, type DataTable } from '../../src/db/schema-current';
import { syncedColumns } from '../../src/sync/wire-format';
import { FIELD_RULES, TIME_MAX } from '../../src/sync/wire-limits';

/**
 * docs/app-integration.md lists every synced column with its type and bounds for the app's
 * engineers; this renders the list from the schema and the wire limits and compares, so the page
 * cannot drift from what the rules and devices check.
 */
const DOC = path.resolve(__dirname, '../../docs/app-integration.md');

function row(table: DataTable): string[] {
  const columns = syncedColumns(table).map((column) => {
    const rule = FIELD_RULES[table][column.name] ?? {};
    const bounds: string[] = [];
    if (rule.id) bounds.push('safe id = uid');
    if (rule.oneOf) bounds.push(rule.oneOf.map((v) => `\`${v}\``).join(' or '));
    if (rule.maxLength !== undefined && !rule.id)
      bounds.push(`≤ ${rule.maxLength.toLocaleString('en-US')} chars`);
    if (rule.min !== undefined && rule.max !== undefined)
      bounds.push(rule.max === TIME_MAX ? 'epoch ms, 1970–9999' : `${rule.min} … ${rule.max}`);
    else if (rule.min !== undefined) bounds.push(`≥ ${rule.min}`);
    const optional = column.isOptional ? '?' : '';
    return `\`${column.name}\`${optional} ${column.type}${bounds.length ? ` (${bounds.join(', ')})` : ''}`;
  });
  return [`\`${table}\``, columns.join(', ')];
}

describe('docs/app-integration.md', () => {
  it('lists exactly the synced columns of every collection, with their types and bounds', () => {
    const text = fs.readFileSync(DOC, 'utf8');
    const block = /<!-- columns:[^>]*-->\n([\s\S]*?)\n<!-- \/columns -->/.exec(text);
    expect(block, 'the columns table between its markers').not.toBeNull();
    // Rows after the header and its rule, cells trimmed (the formatter pads them).
    const rows = block![1]
      .split('\n')
      .slice(2)
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows).toEqual(DATA_TABLES.map(row));
  });
});
