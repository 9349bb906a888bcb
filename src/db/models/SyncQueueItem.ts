import { Model } from '@nozbe/watermelondb';
import { date, field, readonly } from '@nozbe/watermelondb/decorators';
import { parseJsonObject } from './json-columns';

export type QueueOperation = 'create' | 'update' | 'delete';

export class SyncQueueItem extends Model {
  static table = 'sync_queue';

  /** `collection` is taken by `Model.collection`, so the column is exposed as `collectionName`. */
  @field('collection') collectionName!: string;
  @field('document_id') documentId!: string;
  @field('operation') operation!: QueueOperation;
  @field('data') data!: string;
  @field('attempts') attempts!: number;
  @field('last_error') lastError!: string | null;
  @readonly @date('created_at') createdAt!: Date;
  @date('scheduled_at') scheduledAt!: Date;

  getData(): Record<string, unknown> {
    return parseJsonObject(this.data);
  }
}
