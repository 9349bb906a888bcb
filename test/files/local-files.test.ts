import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { deviceDatabasePath } from '../../src/db/device-paths';
import { backendArgs } from '../helpers/backend';
import { BIN, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Issue 8, local files: a corrupt or foreign database at a device's path is refused with exit 3
 * and never overwritten; a data directory the tool cannot write is reported up front (exit 3).
 */
const USER = 'files-user';
const DEVICE = 'phone';

function sha(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Everything under `dir`, with sizes: proof that a refused command left it as it was. */
function listing(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      return `${path.relative(dir, full)} ${e.isFile() ? fs.statSync(full).size : 'dir'}`;
    })
    .sort();
}

const BAD_FILES: Array<{ name: string; make: (file: string) => void; message: RegExp }> = [
  {
    name: 'random bytes (a corrupt file)',
    make: (file) =>
      fs.writeFileSync(
        file,
        Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) % 256)),
      ),
    message: /is not a readable SQLite database.*left untouched/s,
  },
  {
    name: "another app's SQLite database",
    make: (file) => {
      const db = new Sqlite(file);
      db.exec(
        'create table contacts (id text primary key, name text); insert into contacts values (1, 2)',
      );
      db.pragma('user_version = 3');
      db.close();
    },
    message: /not a PersonalAI one \(no sync_queue table\)\. It was left untouched/,
  },
  {
    name: 'a PersonalAI database from a newer version of the tool',
    make: (file) => {
      const db = new Sqlite(file);
      db.exec('create table sync_queue (id text primary key)');
      db.pragma('user_version = 99');
      db.close();
    },
    message:
      /schema version 99, newer than this tool's 2\. Upgrade personalai-sync; the file was left untouched/,
  },
];

describe('local files', () => {
  const tempDir = useTempDir('local-files-');

  for (const bad of BAD_FILES) {
    it(`${bad.name} at a device's path: seed, sync and status exit 3 and leave it byte for byte`, async () => {
      const dataDir = tempDir();
      const file = deviceDatabasePath(dataDir, USER, DEVICE);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      bad.make(file);
      const before = { sha: sha(file), listing: listing(dataDir) };
      for (const command of [['seed', '--text', '3'], ['sync'], ['status']]) {
        const result = await runCli([
          ...backendArgs(),
          '--data-dir',
          dataDir,
          '--user',
          USER,
          '--device',
          DEVICE,
          ...command,
        ]);
        expect(result.code, `${command[0]}: ${result.stderr}`).toBe(3);
        expect(result.stderr).toContain(file);
        expect(result.stderr).toMatch(bad.message);
        expect(result.stdout).toBe('');
      }
      expect(sha(file)).toBe(before.sha);
      expect(listing(dataDir)).toEqual(before.listing); // no -wal, -shm or media files either
    });
  }

  it('a file where the data directory should be: exit 3, says so, and the file stays', async () => {
    const dataDir = path.join(tempDir(), 'not-a-folder');
    fs.writeFileSync(dataDir, 'hello');
    const result = await runCli(['--data-dir', dataDir, 'seed', '--text', '1']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(
      /Cannot write .*not-a-folder.* \(a file is in the way of a folder, (ENOTDIR|EEXIST)\)\. .*--data-dir/,
    );
    expect(fs.readFileSync(dataDir, 'utf8')).toBe('hello');
  });

  // Root may write anywhere, so the permission cases run the CLI as `nobody` when the tests run
  // as root (as in CI); otherwise as the current user.
  const runAs = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
  const reachable = canNobodyRun();
  /** Skips (saying why) when the CLI cannot run as `nobody` from where the project is. */
  const skipUnlessNobodyCanRun = (context: { skip(): void }) => {
    if (reachable.ok) return;
    process.stderr.write(`[local-files] skipped: ${reachable.reason}\n`);
    context.skip();
  };

  it('a read-only data directory: exit 3 before anything is written, naming the folder', async (context) => {
    skipUnlessNobodyCanRun(context);
    const root = tempDir();
    fs.chmodSync(root, 0o755);
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(dataDir);
    fs.chmodSync(dataDir, 0o555);
    const result = await runCli(['--data-dir', dataDir, 'seed', '--text', '1'], {}, 60_000, runAs);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(
      /Cannot write .*data.* \(permission denied, EACCES\)\. Fix its permissions or choose another data directory with --data-dir; nothing was changed\./,
    );
    expect(listing(dataDir)).toEqual([]);
  });

  it('a read-only device database: sync exits 3 and the database is unchanged', async (context) => {
    skipUnlessNobodyCanRun(context);
    const root = tempDir();
    fs.chmodSync(root, 0o755);
    const dataDir = path.join(root, 'data');
    const seeded = await runCli(['--data-dir', dataDir, '--user', USER, 'seed', '--text', '2']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const file = deviceDatabasePath(dataDir, USER, 'device-1');
    for (const entry of [
      dataDir,
      ...fs.readdirSync(dataDir, { recursive: true }).map((e) => path.join(dataDir, String(e))),
    ])
      fs.chmodSync(entry, fs.statSync(entry).isDirectory() ? 0o755 : 0o444);
    const before = sha(file);
    const result = await runCli(
      [...backendArgs(), '--data-dir', dataDir, '--user', USER, 'sync'],
      {},
      60_000,
      runAs,
    );
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/Cannot write .*device-1\.db \(permission denied, EACCES\)/);
    expect(sha(file)).toBe(before);
  });
});

/** Whether the `nobody` user can reach the CLI (every folder above it searchable, files readable). */
function canNobodyRun(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: true };
  for (let dir = path.dirname(BIN); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0)
      return {
        ok: false,
        reason: `${dir} is not searchable by other users, so the CLI cannot run as nobody`,
      };
  }
  return { ok: true };
}

describe('the CLI from another folder', () => {
  const tempDir = useTempDir('elsewhere-');

  it('runs from a folder outside the project (tsx must use this project’s tsconfig, not the cwd’s)', async () => {
    const cwd = tempDir();
    const result = await runCli(['seed', '--text', '2'], {}, 60_000, { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Seeded 2 pending records/);
    // The default data directory is relative to where the command runs.
    expect(
      fs.existsSync(deviceDatabasePath(path.join(cwd, '.personalai-sync'), 'user-1', 'device-1')),
    ).toBe(true);
  });
});
