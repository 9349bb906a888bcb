import { Model } from '@nozbe/watermelondb';
import { date, field } from '@nozbe/watermelondb/decorators';

/**
 * Columns every data table shares. The app names the property for `sync_status` `syncStatus`,
 * but WatermelonDB's `Model` already has a `syncStatus` getter (its own `_status` tracking), so
 * the app-level column is exposed here as `syncState`.
 */
export abstract class SyncedRecord extends Model {
  @field('sync_status') syncState!: string;
  @date('synced_at') syncedAt!: Date | null;
  @field('embedding_id') embeddingId!: string | null;
  /** Schema v2: the server version this record is based on (src/sync/version.ts). */
  @field('remote_version') remoteVersion!: string | null;
}
