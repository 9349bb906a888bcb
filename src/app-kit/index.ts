/**
 * The app integration kit: what the PersonalAI app imports to write records and files the way
 * the sync engine does, so every device (and the harness) syncs them. No SDK import of its own
 * and nothing of Node: the app hands in its Firebase JS SDK's functions (KitSdk).
 * docs/app-integration.md is the contract this module implements.
 */
export { DATA_TABLES, type DataTable } from '../db/schema-current';
export { AppKitError } from './app-kit-error';
export { type MediaUpload, type MediaUploadInput, mediaUpload, URL_COLUMN } from './media-upload';
export {
  createRecord,
  deleteRecord,
  type KitWrite,
  type RecordValues,
  updateRecord,
} from './record-writes';
export type { KitContext, KitSdk } from './sdk';
export {
  type SnapshotLike,
  type SyncWriteOutcome,
  syncWrite,
  type TransactionLike,
  versionOf,
  writtenVersion,
} from './sync-write';
