import { appSchema, tableSchema } from '@nozbe/watermelondb';

/**
 * Schema v1, exactly as the PersonalAI app ships it (reference/sync-and-storage.md).
 * Column names, types, `isOptional` and `isIndexed` are a contract with databases already on
 * phones: change them only through a migration (see ./migrations.ts) and test/db/schema.test.ts.
 */
export const schemaV1Tables = [
  tableSchema({
    name: 'health_data',
    columns: [
      { name: 'user_id', type: 'string', isIndexed: true },
      { name: 'data_type', type: 'string', isIndexed: true },
      { name: 'value', type: 'number' },
      { name: 'unit', type: 'string' },
      { name: 'source', type: 'string' },
      { name: 'metadata', type: 'string', isOptional: true },
      { name: 'recorded_at', type: 'number', isIndexed: true },
      { name: 'created_at', type: 'number' },
      { name: 'updated_at', type: 'number' },
      { name: 'sync_status', type: 'string', isIndexed: true },
      { name: 'synced_at', type: 'number', isOptional: true },
      { name: 'embedding_id', type: 'string', isOptional: true },
    ],
  }),
  tableSchema({
    name: 'location_data',
    columns: [
      { name: 'user_id', type: 'string', isIndexed: true },
      { name: 'latitude', type: 'number' },
      { name: 'longitude', type: 'number' },
      { name: 'accuracy', type: 'number' },
      { name: 'altitude', type: 'number', isOptional: true },
      { name: 'speed', type: 'number', isOptional: true },
      { name: 'heading', type: 'number', isOptional: true },
      { name: 'address', type: 'string', isOptional: true },
      { name: 'place_name', type: 'string', isOptional: true },
      { name: 'place_type', type: 'string', isOptional: true },
      { name: 'activity_type', type: 'string', isOptional: true },
      { name: 'visit_duration', type: 'number', isOptional: true },
      { name: 'is_visit', type: 'boolean', isOptional: true },
      { name: 'recorded_at', type: 'number', isIndexed: true },
      { name: 'created_at', type: 'number' },
      { name: 'updated_at', type: 'number' },
      { name: 'sync_status', type: 'string', isIndexed: true },
      { name: 'synced_at', type: 'number', isOptional: true },
      { name: 'embedding_id', type: 'string', isOptional: true },
    ],
  }),
  tableSchema({
    name: 'voice_notes',
    columns: [
      { name: 'user_id', type: 'string', isIndexed: true },
      { name: 'audio_uri', type: 'string' },
      { name: 'audio_url', type: 'string', isOptional: true },
      { name: 'duration', type: 'number' },
      { name: 'mime_type', type: 'string' },
      { name: 'transcription', type: 'string', isOptional: true },
      { name: 'transcription_status', type: 'string' },
      { name: 'title', type: 'string', isOptional: true },
      { name: 'tags', type: 'string', isOptional: true }, // JSON array
      { name: 'recorded_at', type: 'number', isIndexed: true },
      { name: 'created_at', type: 'number' },
      { name: 'updated_at', type: 'number' },
      { name: 'sync_status', type: 'string', isIndexed: true },
      { name: 'synced_at', type: 'number', isOptional: true },
      { name: 'embedding_id', type: 'string', isOptional: true },
    ],
  }),
  tableSchema({
    name: 'text_notes',
    columns: [
      { name: 'user_id', type: 'string', isIndexed: true },
      { name: 'type', type: 'string' }, // 'diary' | 'thought'
      { name: 'title', type: 'string', isOptional: true },
      { name: 'content', type: 'string' },
      { name: 'tags', type: 'string', isOptional: true },
      { name: 'mood', type: 'string', isOptional: true },
      { name: 'created_at', type: 'number', isIndexed: true },
      { name: 'updated_at', type: 'number' },
      { name: 'sync_status', type: 'string', isIndexed: true },
      { name: 'synced_at', type: 'number', isOptional: true },
      { name: 'embedding_id', type: 'string', isOptional: true },
    ],
  }),
  tableSchema({
    name: 'photo_memories',
    columns: [
      { name: 'user_id', type: 'string', isIndexed: true },
      { name: 'local_uri', type: 'string' },
      { name: 'storage_url', type: 'string', isOptional: true },
      { name: 'thumbnail_url', type: 'string', isOptional: true },
      { name: 'caption', type: 'string', isOptional: true },
      { name: 'ai_description', type: 'string', isOptional: true },
      { name: 'tags', type: 'string', isOptional: true },
      { name: 'latitude', type: 'number', isOptional: true },
      { name: 'longitude', type: 'number', isOptional: true },
      { name: 'taken_at', type: 'number', isIndexed: true },
      { name: 'created_at', type: 'number' },
      { name: 'updated_at', type: 'number' },
      { name: 'sync_status', type: 'string', isIndexed: true },
      { name: 'synced_at', type: 'number', isOptional: true },
      { name: 'embedding_id', type: 'string', isOptional: true },
    ],
  }),
  tableSchema({
    name: 'sync_queue',
    columns: [
      { name: 'collection', type: 'string', isIndexed: true },
      { name: 'document_id', type: 'string' },
      { name: 'operation', type: 'string' }, // 'create' | 'update' | 'delete'
      { name: 'data', type: 'string' }, // JSON
      { name: 'attempts', type: 'number' },
      { name: 'last_error', type: 'string', isOptional: true },
      { name: 'created_at', type: 'number', isIndexed: true },
      { name: 'scheduled_at', type: 'number', isIndexed: true },
    ],
  }),
];

export const schemaV1 = appSchema({ version: 1, tables: schemaV1Tables });
