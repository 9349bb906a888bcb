import { addColumns, schemaMigrations } from '@nozbe/watermelondb/Schema/migrations';
import { DATA_TABLES, V2_ADDED_COLUMNS } from './schema-v2';

/**
 * Migrations from the app's schema v1 upwards. A phone's v1 database (or one seeded by an older
 * version of this tool) upgrades in place; test/db/migrations.test.ts proves nothing is lost.
 */
export const migrations = schemaMigrations({
  migrations: [
    {
      toVersion: 2,
      steps: DATA_TABLES.map((table) => addColumns({ table, columns: V2_ADDED_COLUMNS })),
    },
  ],
});
