import { DATA_TABLES, type DataTable, schemaV2 } from './schema-v2';

/**
 * The current schema: what new databases are created with, the target of every migration, and
 * the one place code imports the current schema's names from (so a v3 changes this file, not
 * every user of DataTable).
 */
export const currentSchema = schemaV2;
export { DATA_TABLES, type DataTable };
