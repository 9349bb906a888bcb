import { schemaV2 } from './schema-v2';

/** The schema new databases are created with, and the target of every migration. */
export const currentSchema = schemaV2;
