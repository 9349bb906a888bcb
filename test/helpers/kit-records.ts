import { deleteField, serverTimestamp, Timestamp } from 'firebase/firestore';
import type { KitContext, KitSdk, RecordValues } from '../../src/app-kit';
import type { DataTable } from '../../src/db/schema-current';

/** The kit's SDK as the app hands it in: the JS SDK's own functions and Timestamp. */
export const KIT_SDK: KitSdk = { serverTimestamp, deleteField, Timestamp };

export function kitContext(userId: string, deviceId = 'app-install-1'): KitContext {
  return { userId, deviceId, sdk: KIT_SDK };
}

const AT = Date.UTC(2026, 0, 5, 9, 30);

/** A minimal valid record of each collection (required columns, one optional), as the app holds it. */
export const NEW_RECORD: Record<DataTable, RecordValues> = {
  health_data: {
    data_type: 'heart_rate',
    value: 64,
    unit: 'bpm',
    source: 'watch',
    recorded_at: AT,
    created_at: AT,
    updated_at: AT,
  },
  location_data: {
    latitude: 52.52,
    longitude: 13.405,
    accuracy: 8,
    is_visit: false,
    recorded_at: AT,
    created_at: AT,
    updated_at: AT,
  },
  voice_notes: {
    audio_uri: 'file:///data/voice/v1.m4a',
    duration: 12.5,
    mime_type: 'audio/mp4',
    transcription_status: 'pending',
    recorded_at: AT,
    created_at: AT,
    updated_at: AT,
  },
  text_notes: {
    type: 'diary',
    title: 'Monday',
    content: 'first draft',
    created_at: AT,
    updated_at: AT,
  },
  photo_memories: {
    local_uri: 'file:///data/photos/p1.jpg',
    caption: null,
    taken_at: AT,
    created_at: AT,
    updated_at: AT,
  },
};

/** An edit of each collection: a changed column, one cleared, and the new updated_at. */
export const EDIT: Record<DataTable, RecordValues> = {
  health_data: { value: 71, metadata: null, updated_at: AT + 60_000 },
  location_data: { place_name: 'Home', altitude: null, updated_at: AT + 60_000 },
  voice_notes: { title: 'Standup', transcription: null, updated_at: AT + 60_000 },
  text_notes: { content: 'second draft', mood: null, updated_at: AT + 60_000 },
  photo_memories: { caption: 'The lake', tags: null, updated_at: AT + 60_000 },
};
