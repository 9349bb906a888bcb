import { type Database, Q } from '@nozbe/watermelondb';
import type { MediaRecord } from '../files/fetch-missing-media';

/** A device's voice notes and photos that have been uploaded (they carry a download URL). */
export async function uploadedMediaRecords(database: Database): Promise<MediaRecord[]> {
  const rows = async (table: MediaRecord['table'], uri: string, url: string) =>
    (
      await database
        .get(table)
        .query(Q.where(url, Q.notEq(null)))
        .fetch()
    ).map((model) => {
      const raw = (model as unknown as { _raw: Record<string, unknown> })._raw;
      return {
        table,
        id: String(raw.id),
        localUri: (raw[uri] as string | null) ?? null,
        url: (raw[url] as string | null) || null,
      };
    });
  return [
    ...(await rows('voice_notes', 'audio_uri', 'audio_url')),
    ...(await rows('photo_memories', 'local_uri', 'storage_url')),
  ];
}
