import fs from 'node:fs';
import path from 'node:path';
import { ChecksumMismatchError, fetchMedia } from './fetch-media';
import type { MediaStore } from './media-store';

/**
 * Fetches the files of pulled voice notes and photos a device does not have yet, one record at a
 * time, and accounts for each: what was verified, what came without a checksum (kept, reported
 * as unverified), what was refused for a mismatch (nothing written), what failed otherwise, and
 * which photos had no thumbnail. One bad record never stops the others.
 */
export type MediaTable = 'voice_notes' | 'photo_memories';

export interface MediaRecord {
  table: MediaTable;
  id: string;
  /** The record's file on the device that made it (`audio_uri` / `local_uri`), if any. */
  localUri: string | null;
  /** Its download URL (`audio_url` / `storage_url`): empty means not uploaded yet. */
  url: string | null;
}

export interface RecordRef {
  table: MediaTable;
  recordId: string;
}

export interface MediaFetchReport {
  /** Records that needed a file. */
  wanted: number;
  fetched: number;
  verified: number;
  unverified: Array<RecordRef & { objects: string[] }>;
  refused: Array<RecordRef & { error: string }>;
  failed: Array<RecordRef & { error: string }>;
  /** Photos shown from their original because Storage had no thumbnail. */
  thumbnailMissing: RecordRef[];
}

/** Where fetchMedia puts a record's file in `mediaDir` (the original, for a photo). */
export function fetchedFileOf(mediaDir: string, table: MediaTable, id: string): string {
  return table === 'voice_notes'
    ? path.join(mediaDir, 'voice', `${id}.m4a`)
    : path.join(mediaDir, 'photos', `${id}.jpg`);
}

/**
 * A record needs its file fetched when it has a URL and neither its own file (one this device
 * made: inside its media folder) nor a fetched copy is here. A `localUri` outside the folder is
 * another device's path, which a simulation on one machine could otherwise mistake for ours.
 */
export function needsFetch(record: MediaRecord, mediaDir: string): boolean {
  if (!record.url) return false;
  if (fs.existsSync(fetchedFileOf(mediaDir, record.table, record.id))) return false;
  const own = record.localUri?.replace(/^file:\/\//, '');
  const inside = own && !path.relative(mediaDir, own).startsWith('..');
  return !(inside && fs.existsSync(own));
}

export async function fetchMissingMedia(options: {
  media: MediaStore;
  userId: string;
  mediaDir: string;
  records: MediaRecord[];
}): Promise<MediaFetchReport> {
  const report: MediaFetchReport = {
    wanted: 0,
    fetched: 0,
    verified: 0,
    unverified: [],
    refused: [],
    failed: [],
    thumbnailMissing: [],
  };
  for (const record of options.records) {
    if (!needsFetch(record, options.mediaDir)) continue;
    report.wanted += 1;
    const ref = { table: record.table, recordId: record.id };
    try {
      const fetched = await fetchMedia({ ...options, table: record.table, recordId: record.id });
      report.fetched += 1;
      if (fetched.verification === 'verified') report.verified += 1;
      else report.unverified.push({ ...ref, objects: fetched.unverified });
      if (fetched.thumbnailMissing) report.thumbnailMissing.push(ref);
    } catch (error) {
      const entry = { ...ref, error: (error as Error).message };
      if (error instanceof ChecksumMismatchError) report.refused.push(entry);
      else report.failed.push(entry);
    }
  }
  return report;
}
