import type { Database, TableSchema } from '@nozbe/watermelondb';
import { isSqlite } from './narrow-update';

type Row = Record<string, string | number | boolean | null> & { id: string };
type ColumnType = 'string' | 'number' | 'boolean';

/**
 * Inserts new rows on SQLite with plain INSERTs, inside a writer, without creating WatermelonDB
 * records. A first sync of 100,000 documents otherwise leaves 100,000 records in WatermelonDB's
 * cache (≈ 190 MB of heap, measured); rows inserted this way are read from the database when
 * something asks for them. Like narrowUpdate, no change notification is sent (nothing observes a
 * pull). Every column is filled as WatermelonDB's sanitizer (`sanitizedRaw`) would fill it,
 * booleans as 0/1. A row whose id exists fails the whole call: nothing is overwritten.
 *
 * Rows go in several to a statement (`values (…), (…)`), each statement's text short enough for
 * the connection to keep it prepared (open-database.ts): a first pull's apply is mostly this
 * call, and one statement per row spent more on WatermelonDB's per-statement loop and on SQLite's
 * per-statement setup than on the rows (CPU profile of a 50,000-record first pull).
 */
export async function insertRows(db: Database, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  if (!isSqlite(db)) throw new Error('insertRows is for SQLite databases');
  const shape = shapeOf(db.schema.tables[table]);
  const sqls: Array<[string, unknown[]]> = [];
  for (let start = 0; start < rows.length; start += shape.rowsPerStatement) {
    const count = Math.min(shape.rowsPerStatement, rows.length - start);
    const args = new Array(count * shape.width);
    let at = 0;
    for (let r = start; r < start + count; r += 1) at = writeArgs(rows[r], shape, args, at);
    sqls.push([shape.sql(count), args]);
  }
  await (
    db.adapter as unknown as {
      unsafeExecute(w: { sqls: Array<[string, unknown[]]> }): Promise<void>;
    }
  ).unsafeExecute({ sqls });
}

/** What insertRows needs of a table, worked out once per schema table. */
interface TableShape {
  names: string[];
  types: ColumnType[];
  optional: boolean[];
  /** Values per row: id, _status, _changed and the columns. */
  width: number;
  rowsPerStatement: number;
  sql(rows: number): string;
}

/** Statement texts up to this length are kept prepared by the connection (open-database.ts). */
const MAX_STATEMENT_TEXT = 2000;

const shapes = new WeakMap<TableSchema, TableShape>();

function shapeOf(schema: TableSchema): TableShape {
  const known = shapes.get(schema);
  if (known) return known;
  const columns = schema.columnArray;
  const names = columns.map((c) => c.name);
  const width = 3 + names.length;
  const head = `insert into "${schema.name}" (${['id', '_status', '_changed', ...names].map((c) => `"${c}"`).join(', ')}) values `;
  const one = `(${new Array(width).fill('?').join(',')})`;
  const rowsPerStatement = Math.max(
    1,
    Math.floor((MAX_STATEMENT_TEXT - head.length + 1) / (one.length + 1)),
  );
  const texts = new Map<number, string>();
  const shape: TableShape = {
    names,
    types: columns.map((c) => c.type as ColumnType),
    optional: columns.map((c) => Boolean(c.isOptional)),
    width,
    rowsPerStatement,
    sql(rows) {
      let text = texts.get(rows);
      if (!text) {
        text = head + new Array(rows).fill(one).join(',');
        texts.set(rows, text);
      }
      return text;
    },
  };
  shapes.set(schema, shape);
  return shape;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Writes one row's values into `args` from `at`, sanitized exactly as WatermelonDB's
 * `sanitizedRaw` does for a new record (test/db/insert-rows.test.ts compares the two): a value
 * of the wrong type, NaN or ±Infinity becomes null if the column is optional, else '', 0 or
 * false; 1 and 0 count as booleans; booleans are stored as 1/0. Returns where the next row starts.
 */
function writeArgs(row: Row, shape: TableShape, args: unknown[], at: number): number {
  args[at] = row.id;
  args[at + 1] = 'created';
  args[at + 2] = '';
  let i = at + 3;
  const { names, types, optional } = shape;
  for (let c = 0; c < names.length; c += 1) {
    const value = hasOwn.call(row, names[c]) ? row[names[c]] : null;
    const type = types[c];
    if (type === 'string') {
      args[i] = typeof value === 'string' ? value : optional[c] ? null : '';
    } else if (type === 'boolean') {
      if (typeof value === 'boolean') args[i] = value ? 1 : 0;
      else if (value === 1 || value === 0) args[i] = value;
      else args[i] = optional[c] ? null : 0;
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      args[i] = value || 0; // -0 stored as 0, as WatermelonDB does
    } else {
      args[i] = optional[c] ? null : 0;
    }
    i += 1;
  }
  return i;
}
