import { date, field, readonly } from '@nozbe/watermelondb/decorators';
import { parseTags } from './json-columns';
import { SyncedRecord } from './SyncedRecord';

export class VoiceNote extends SyncedRecord {
  static table = 'voice_notes';

  @field('user_id') userId!: string;
  @field('audio_uri') audioUri!: string;
  @field('audio_url') audioUrl!: string | null;
  @field('duration') duration!: number;
  @field('mime_type') mimeType!: string;
  @field('transcription') transcription!: string | null;
  @field('transcription_status') transcriptionStatus!: string;
  @field('title') title!: string | null;
  @field('tags') tagsJson!: string | null;
  @date('recorded_at') recordedAt!: Date;
  @readonly @date('created_at') createdAt!: Date;
  @date('updated_at') updatedAt!: Date;

  get tags(): string[] {
    return parseTags(this.tagsJson);
  }
}
