import type { DataTable } from '../db/schema-current';
import { DATA_TABLES } from '../db/schema-current';
import { syncedColumns, type Value, type Values, valueProblem } from '../sync/wire-format';

/**
 * `records edit`'s `field=value` words, typed by the schema: the inspector changes a record only
 * in ways the app could, so a mistake is refused with the field's name and what it takes,
 * before anything is written. Pure.
 */

/** Columns the app never sets by hand: who owns the record and when it was made or changed. */
const NOT_EDITABLE = new Set(['user_id', 'created_at', 'updated_at']);

export class AssignmentError extends Error {
  override name = 'AssignmentError';
}

export function editableColumns(table: DataTable): Array<{ name: string; type: string }> {
  return syncedColumns(table)
    .filter((c) => !NOT_EDITABLE.has(c.name))
    .map((c) => ({ name: c.name, type: `${c.type}${c.isOptional ? ' (may be empty)' : ''}` }));
}

export function parseAssignments(table: DataTable, words: readonly string[]): Values {
  if (words.length === 0)
    throw new AssignmentError(
      `name the fields to change, e.g. title="New title"; ${table} has: ${names(table)}.`,
    );
  const values: Values = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new AssignmentError(`"${word}" is not field=value (e.g. mood=calm).`);
    const name = word.slice(0, eq);
    const text = word.slice(eq + 1);
    const column = syncedColumns(table).find((c) => c.name === name);
    if (!column || NOT_EDITABLE.has(name))
      throw new AssignmentError(
        NOT_EDITABLE.has(name)
          ? `${name} is set by the app itself, not edited; ${table} has: ${names(table)}.`
          : `${table} has no field "${name}"; it has: ${names(table)}.`,
      );
    if (name in values) throw new AssignmentError(`${name} is given twice.`);
    const value = typed(column.type, text, column.isOptional ?? false, name);
    if (value !== null) {
      const problem = valueProblem(table, column, value);
      if (problem) throw new AssignmentError(problem);
    }
    values[name] = value;
  }
  return values;
}

function typed(type: string, text: string, optional: boolean, name: string): Value {
  if (text === '') {
    if (optional) return null;
    throw new AssignmentError(`${name} cannot be empty.`);
  }
  if (type === 'number') {
    const n = Number(text);
    if (!Number.isFinite(n) || text.trim() === '')
      throw new AssignmentError(`${name} takes a number; got "${text}".`);
    return n;
  }
  if (type === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw new AssignmentError(`${name} takes true or false; got "${text}".`);
  }
  return text;
}

function names(table: DataTable): string {
  return editableColumns(table)
    .map((c) => c.name)
    .join(', ');
}

/** `text_notes/n1` → its parts; the collection must be one of the five data tables. */
export function parseRecordRef(ref: string): { table: DataTable; id: string } {
  const slash = ref.indexOf('/');
  const table = ref.slice(0, slash);
  const id = ref.slice(slash + 1);
  if (slash <= 0 || id === '' || id.includes('/'))
    throw new AssignmentError(`"${ref}" is not COLLECTION/ID (e.g. text_notes/abc123).`);
  if (!(DATA_TABLES as readonly string[]).includes(table))
    throw new AssignmentError(`no collection "${table}"; one of ${DATA_TABLES.join(', ')}.`);
  return { table: table as DataTable, id };
}
