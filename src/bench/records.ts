import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { syncedColumnNames, type Values } from '../sync/wire-format';

/**
 * The benchmark's records: a fixed mix over all five tables (N/5 each), small and deterministic,
 * so every contender writes and reads exactly the same documents.
 */
export function benchRow(table: DataTable, i: number): Values {
  switch (table) {
    case 'health_data':
      return {
        data_type: 'heart_rate',
        value: 60 + (i % 40),
        unit: 'bpm',
        source: 'watch',
        recorded_at: i,
      };
    case 'location_data':
      return { latitude: 48 + i / 1e5, longitude: 11 + i / 1e5, accuracy: 5, recorded_at: i };
    case 'voice_notes':
      return {
        audio_uri: `/a/${i}.m4a`,
        duration: 12,
        mime_type: 'audio/mp4',
        transcription_status: 'done',
        transcription: 'hello world',
        recorded_at: i,
      };
    case 'text_notes':
      return { type: 'diary', content: `entry ${i} `.repeat(8), title: `t${i}` };
    case 'photo_memories':
      return { local_uri: `/p/${i}.jpg`, caption: 'a photo', taken_at: i };
  }
}

/** How many of `count` rows each table takes: an even split, the first tables take the remainder. */
export function benchShares(count: number): Array<{ table: DataTable; count: number }> {
  return DATA_TABLES.map((table, t) => ({
    table,
    count: Math.floor(count / DATA_TABLES.length) + (t < count % DATA_TABLES.length ? 1 : 0),
  }));
}

/** `count` rows split evenly over the tables (benchShares). */
export function benchRows(count: number): Array<{ table: DataTable; rows: Values[] }> {
  return benchShares(count).map(({ table, count: share }) => ({
    table,
    rows: Array.from({ length: share }, (_, i) => benchRow(table, i)),
  }));
}

/**
 * The document the sync engine writes for a bench row (docs/wire-format.md): every synced
 * column, absent ones as null, plus the owner and times. The raw ceiling writes exactly these,
 * so both sides move the same bytes.
 */
export function wireDocument(table: DataTable, row: Values, userId: string, at: number): Values {
  const doc: Values = {};
  for (const column of syncedColumnNames(table)) doc[column] = row[column] ?? null;
  return { ...doc, user_id: userId, created_at: at, updated_at: at };
}
