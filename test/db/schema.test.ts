import { describe, expect, it } from 'vitest';
import { schemaV1 } from '../../src/db/schema';

// The app's schema v1, column by column: [name, type, optional, indexed]. Written out
// independently of src/db/schema.ts so that any drift from the app's contract fails here.
type Col = [string, 'string' | 'number' | 'boolean', boolean, boolean];
const common = (createdIndexed = false): Col[] => [
  ['created_at', 'number', false, createdIndexed],
  ['updated_at', 'number', false, false],
  ['sync_status', 'string', false, true],
  ['synced_at', 'number', true, false],
  ['embedding_id', 'string', true, false],
];
const EXPECTED: Record<string, Col[]> = {
  health_data: [
    ['user_id', 'string', false, true],
    ['data_type', 'string', false, true],
    ['value', 'number', false, false],
    ['unit', 'string', false, false],
    ['source', 'string', false, false],
    ['metadata', 'string', true, false],
    ['recorded_at', 'number', false, true],
    ...common(),
  ],
  location_data: [
    ['user_id', 'string', false, true],
    ['latitude', 'number', false, false],
    ['longitude', 'number', false, false],
    ['accuracy', 'number', false, false],
    ['altitude', 'number', true, false],
    ['speed', 'number', true, false],
    ['heading', 'number', true, false],
    ['address', 'string', true, false],
    ['place_name', 'string', true, false],
    ['place_type', 'string', true, false],
    ['activity_type', 'string', true, false],
    ['visit_duration', 'number', true, false],
    ['is_visit', 'boolean', true, false],
    ['recorded_at', 'number', false, true],
    ...common(),
  ],
  voice_notes: [
    ['user_id', 'string', false, true],
    ['audio_uri', 'string', false, false],
    ['audio_url', 'string', true, false],
    ['duration', 'number', false, false],
    ['mime_type', 'string', false, false],
    ['transcription', 'string', true, false],
    ['transcription_status', 'string', false, false],
    ['title', 'string', true, false],
    ['tags', 'string', true, false],
    ['recorded_at', 'number', false, true],
    ...common(),
  ],
  text_notes: [
    ['user_id', 'string', false, true],
    ['type', 'string', false, false],
    ['title', 'string', true, false],
    ['content', 'string', false, false],
    ['tags', 'string', true, false],
    ['mood', 'string', true, false],
    ...common(true),
  ],
  photo_memories: [
    ['user_id', 'string', false, true],
    ['local_uri', 'string', false, false],
    ['storage_url', 'string', true, false],
    ['thumbnail_url', 'string', true, false],
    ['caption', 'string', true, false],
    ['ai_description', 'string', true, false],
    ['tags', 'string', true, false],
    ['latitude', 'number', true, false],
    ['longitude', 'number', true, false],
    ['taken_at', 'number', false, true],
    ...common(),
  ],
  sync_queue: [
    ['collection', 'string', false, true],
    ['document_id', 'string', false, false],
    ['operation', 'string', false, false],
    ['data', 'string', false, false],
    ['attempts', 'number', false, false],
    ['last_error', 'string', true, false],
    ['created_at', 'number', false, true],
    ['scheduled_at', 'number', false, true],
  ],
};

describe('schema v1', () => {
  it('is version 1 with exactly the six tables of the app', () => {
    expect(schemaV1.version).toBe(1);
    expect(Object.keys(schemaV1.tables).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))(
    '%s has every column with the app’s name, type, optional and indexed flags, in order',
    (table) => {
      const actual = schemaV1.tables[table].columnArray.map(
        (c): Col => [c.name, c.type, Boolean(c.isOptional), Boolean(c.isIndexed)],
      );
      expect(actual).toEqual(EXPECTED[table]);
    },
  );
});
