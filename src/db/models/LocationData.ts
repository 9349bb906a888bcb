import { date, field, readonly } from '@nozbe/watermelondb/decorators';
import { SyncedRecord } from './SyncedRecord';

export class LocationData extends SyncedRecord {
  static table = 'location_data';

  @field('user_id') userId!: string;
  @field('latitude') latitude!: number;
  @field('longitude') longitude!: number;
  @field('accuracy') accuracy!: number;
  @field('altitude') altitude!: number | null;
  @field('speed') speed!: number | null;
  @field('heading') heading!: number | null;
  @field('address') address!: string | null;
  @field('place_name') placeName!: string | null;
  @field('place_type') placeType!: string | null;
  @field('activity_type') activityType!: string | null;
  @field('visit_duration') visitDuration!: number | null;
  @field('is_visit') isVisit!: boolean | null;
  @date('recorded_at') recordedAt!: Date;
  @readonly @date('created_at') createdAt!: Date;
  @date('updated_at') updatedAt!: Date;
}
