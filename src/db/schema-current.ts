import { schemaV1 } from './schema';

/** The schema new databases are created with, and the target of every migration. */
export const currentSchema = schemaV1;
