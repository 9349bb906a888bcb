import { schemaMigrations } from '@nozbe/watermelondb/Schema/migrations';

/**
 * Migrations from the app's schema v1 upwards. Empty while the schema is v1; every later
 * version adds a step here and a test that a v1 database with pending records upgrades intact.
 */
export const migrations = schemaMigrations({ migrations: [] });
