import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import { deviceDatabasePath } from '../../src/db/device-paths';
import { openDatabase } from '../../src/db/open-database';
import { rawOf } from '../../src/db/raw-update';
import { StorageManager } from '../../src/files/storage-manager';
import { collect, runCli, startCli, waitForOutput } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25);

/** A device database with health records of every sync status, 10 and 60 days old. */
async function seedDevice(file: string) {
  const opened = await openDatabase(`sqlite:${file}`);
  const ids: Record<string, string> = {};
  await opened.database.write(async () => {
    for (const age of [10, 60]) {
      for (const status of ['synced', 'pending', 'error', 'syncing']) {
        const record = await opened.database.get('health_data').create((r) => {
          Object.assign(rawOf(r), {
            user_id: 'u1',
            data_type: 'steps',
            value: 1,
            unit: 'count',
            source: 'phone',
            recorded_at: 1,
            created_at: NOW - age * DAY,
            updated_at: NOW,
            sync_status: status,
          });
        });
        ids[`${status}-${age}`] = record.id;
      }
    }
    await opened.database.get('location_data').create((r) => {
      Object.assign(rawOf(r), {
        user_id: 'u1',
        latitude: 1,
        longitude: 2,
        accuracy: 3,
        recorded_at: 1,
        created_at: NOW - 90 * DAY,
        updated_at: NOW,
        sync_status: 'synced',
      });
    });
    await opened.database.get('text_notes').create((r) => {
      Object.assign(rawOf(r), {
        user_id: 'u1',
        type: 'diary',
        content: 'old diary',
        created_at: NOW - 400 * DAY,
        updated_at: NOW,
        sync_status: 'synced',
      });
    });
  });
  return { opened, ids };
}

describe('StorageManager', () => {
  const tempDir = useTempDir();

  it('clearOldData deletes only synced health and location records older than the cutoff, never pending, syncing or errored ones', async () => {
    const { opened, ids } = await seedDevice(path.join(tempDir(), 'd.db'));
    try {
      const manager = new StorageManager(
        opened.database,
        { databaseFile: null, cacheDir: tempDir(), mediaDir: tempDir() },
        new VirtualClock(NOW),
      );
      const result = await manager.clearOldData(30);
      expect(result).toMatchObject({
        deletedCount: 2,
        byTable: { health_data: 1, location_data: 1 },
      });
      const left = (await opened.database.get('health_data').query().fetch())
        .map((r) => r.id)
        .sort();
      expect(left).toEqual(
        Object.entries(ids)
          .filter(([k]) => k !== 'synced-60')
          .map(([, id]) => id)
          .sort(),
      );
      expect(await opened.database.get('text_notes').query().fetchCount()).toBe(1); // not a retention table
      expect(await opened.database.get('sync_queue').query().fetchCount()).toBe(0); // local only: no tombstones
      await expect(manager.clearOldData(-1)).rejects.toThrow(/retentionDays must be a number ≥ 0/);
    } finally {
      await opened.close();
    }
  });

  it('getStorageUsage counts the database (with its WAL), cache and media folders; clearCache empties the cache', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'd.db');
    const { opened } = await seedDevice(file);
    try {
      const cacheDir = path.join(dir, 'cache');
      const mediaDir = path.join(dir, 'media');
      fs.mkdirSync(path.join(cacheDir, 'images'), { recursive: true });
      fs.writeFileSync(path.join(cacheDir, 'images', 't.jpg'), Buffer.alloc(3000));
      fs.mkdirSync(mediaDir, { recursive: true });
      fs.writeFileSync(path.join(mediaDir, 'a.m4a'), Buffer.alloc(5000));
      const manager = new StorageManager(
        opened.database,
        { databaseFile: file, cacheDir, mediaDir },
        new VirtualClock(NOW),
      );
      const usage = await manager.getStorageUsage();
      expect(usage.cache).toBe(3000);
      expect(usage.media).toBe(5000);
      expect(usage.database).toBeGreaterThanOrEqual(fs.statSync(file).size);
      expect(usage.total).toBe(usage.database + 8000);
      expect(await manager.clearCache({ dryRun: true })).toBe(3000);
      expect(fs.existsSync(cacheDir)).toBe(true);
      expect(await manager.clearCache()).toBe(3000);
      expect((await manager.getStorageUsage()).cache).toBe(0);
    } finally {
      await opened.close();
    }
  });
});

describe('personalai-sync clean and status', () => {
  const tempDir = useTempDir();

  it('clean --dry-run reports, clean deletes, pending records survive; status shows the indicator and storage', async () => {
    const dataDir = tempDir();
    const file = deviceDatabasePath(dataDir, 'u1', 'phone');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const { opened } = await seedDevice(file);
    await opened.close();
    const base = ['--data-dir', dataDir, '--user', 'u1', '--device', 'phone'];
    // The records are dated relative to 2026-11-25; a 1-day retention covers both ages today.
    const dry = await runCli([...base, '--json', 'clean', '--retention-days', '1', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).result.retention).toMatchObject({ deletedCount: 3 });
    const real = await runCli([...base, 'clean', '--retention-days', '1', '--cache']);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(
      /Deleted 3 synced records older than 1 days .*pending and errored records are never deleted/,
    );
    const status = await runCli([...base, '--json', 'status']);
    expect(status.code).toBe(0);
    const result = JSON.parse(status.stdout).result;
    expect(result.collections.health_data.records).toBe(6);
    expect(result.indicator).toBe('Offline'); // no emulator registered for this data dir
    expect(result.storage.database).toBeGreaterThan(0);
    const nothing = await runCli([...base, 'clean']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/Nothing to clean/);
    const missing = await runCli(['--data-dir', dataDir, '--user', 'nobody', 'status']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/has no database at/);
  });

  it('status --watch refreshes until Ctrl-C and exits 0; with --json it is refused with exit 2', async () => {
    const dataDir = tempDir();
    const file = deviceDatabasePath(dataDir, 'u1', 'phone');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const { opened } = await seedDevice(file);
    await opened.close();
    const base = ['--data-dir', dataDir, '--user', 'u1', '--device', 'phone'];
    const child = startCli([...base, 'status', '--watch']);
    const finished = collect(child);
    await waitForOutput(child, /u1\/phone: Offline[\s\S]*storage/);
    child.kill('SIGINT');
    const result = await finished;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/health_data\s+8 records/);
    const json = await runCli([...base, '--json', 'status', '--watch']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error.message).toMatch(
      /status --watch refreshes a terminal view/,
    );
  });
});
