import { date, field, readonly } from '@nozbe/watermelondb/decorators';
import { parseTags } from './json-columns';
import { SyncedRecord } from './SyncedRecord';

export type TextNoteType = 'diary' | 'thought';

export class TextNote extends SyncedRecord {
  static table = 'text_notes';

  @field('user_id') userId!: string;
  @field('type') type!: TextNoteType;
  @field('title') title!: string | null;
  @field('content') content!: string;
  @field('tags') tagsJson!: string | null;
  @field('mood') mood!: string | null;
  @readonly @date('created_at') createdAt!: Date;
  @date('updated_at') updatedAt!: Date;

  get tags(): string[] {
    return parseTags(this.tagsJson);
  }
}
