import { appSchema, tableSchema } from '@nozbe/watermelondb';
import type { ColumnSchema, TableSchemaSpec } from '@nozbe/watermelondb/Schema';
import { schemaV1Tables } from './schema';

/** The five tables that sync (sync_queue never leaves the device). */
export const DATA_TABLES = [
  'health_data',
  'location_data',
  'voice_notes',
  'text_notes',
  'photo_memories',
] as const;
export type DataTable = (typeof DATA_TABLES)[number];

/**
 * Schema v2 = v1 plus one column per data table:
 *   remote_version  the server's update time of the version this record is based on (encoded by
 *                   src/sync/version.ts), null while the record has never been on the server.
 * It is what a push states as its precondition ("I am changing the version I last saw"), so that
 * conflicts are detected by the server and never by comparing device clocks.
 */
export const V2_ADDED_COLUMNS: ColumnSchema[] = [
  { name: 'remote_version', type: 'string', isOptional: true },
];

export const schemaV2 = appSchema({
  version: 2,
  tables: schemaV1Tables.map((table) =>
    (DATA_TABLES as readonly string[]).includes(table.name)
      ? tableSchema({
          name: table.name,
          columns: [...table.columnArray, ...V2_ADDED_COLUMNS],
        } as TableSchemaSpec)
      : table,
  ),
});
