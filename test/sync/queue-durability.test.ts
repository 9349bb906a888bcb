import path from 'node:path';
import { Q } from '@nozbe/watermelondb';
import { describe, expect, it } from 'vitest';
import type { SyncQueueItem } from '../../src/db/models';
import { openDatabase } from '../../src/db/open-database';
import { useTempDir } from '../helpers/temp-dir';

describe('sync_queue on SQLite', () => {
  const tempDir = useTempDir();

  it('keeps a queued item, with its attempts and last error, across closing and reopening the database', async () => {
    const url = `sqlite:${path.join(tempDir(), 'queue.db')}`;
    let db = await openDatabase(url);
    await db.database.write(async () => {
      await db.database.get<SyncQueueItem>('sync_queue').create((item) => {
        item.collectionName = 'voice_notes';
        item.documentId = 'note-42';
        item.operation = 'delete';
        item.data = JSON.stringify({ reason: 'user deleted' });
        item.attempts = 2;
        item.lastError = 'deadline exceeded';
        item.scheduledAt = new Date(1_800_000_000_000);
      });
    });
    await db.close();

    db = await openDatabase(url);
    try {
      const items = await db.database
        .get<SyncQueueItem>('sync_queue')
        .query(Q.where('collection', 'voice_notes'))
        .fetch();
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        documentId: 'note-42',
        operation: 'delete',
        attempts: 2,
        lastError: 'deadline exceeded',
      });
      expect(items[0].scheduledAt.getTime()).toBe(1_800_000_000_000);
      expect(items[0].getData()).toEqual({ reason: 'user deleted' });
    } finally {
      await db.close();
    }
  });
});
