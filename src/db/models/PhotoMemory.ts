import { date, field, readonly } from '@nozbe/watermelondb/decorators';
import { parseTags } from './json-columns';
import { SyncedRecord } from './SyncedRecord';

export class PhotoMemory extends SyncedRecord {
  static table = 'photo_memories';

  @field('user_id') userId!: string;
  @field('local_uri') localUri!: string;
  @field('storage_url') storageUrl!: string | null;
  @field('thumbnail_url') thumbnailUrl!: string | null;
  @field('caption') caption!: string | null;
  @field('ai_description') aiDescription!: string | null;
  @field('tags') tagsJson!: string | null;
  @field('latitude') latitude!: number | null;
  @field('longitude') longitude!: number | null;
  @date('taken_at') takenAt!: Date;
  @readonly @date('created_at') createdAt!: Date;
  @date('updated_at') updatedAt!: Date;

  get tags(): string[] {
    return parseTags(this.tagsJson);
  }
}
