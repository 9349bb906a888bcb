import { date, field, readonly } from '@nozbe/watermelondb/decorators';
import { parseJsonObject } from './json-columns';
import { SyncedRecord } from './SyncedRecord';

export class HealthData extends SyncedRecord {
  static table = 'health_data';

  @field('user_id') userId!: string;
  @field('data_type') dataType!: string;
  @field('value') value!: number;
  @field('unit') unit!: string;
  @field('source') source!: string;
  @field('metadata') metadata!: string | null;
  @date('recorded_at') recordedAt!: Date;
  @readonly @date('created_at') createdAt!: Date;
  @date('updated_at') updatedAt!: Date;

  /** The app's `getMetadata()`: the parsed `metadata` JSON, `{}` when absent. */
  getMetadata(): Record<string, unknown> {
    return parseJsonObject(this.metadata);
  }
}
