import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sideBySide } from '../../src/cli/ask-user-prompt';
import { systemClock, VirtualClock } from '../../src/core/clock';
import { deviceDatabasePath } from '../../src/db/device-paths';
import { openDatabase } from '../../src/db/open-database';
import { rawOf } from '../../src/db/raw-update';
import { LocalStore } from '../../src/sync/local-store';
import { testEndpoints, uniqueUserId } from '../helpers/backend';
import { runCli } from '../helpers/cli';
import { openDevice } from '../helpers/device';
import { useTempDir } from '../helpers/temp-dir';

describe('ask-user from the CLI', () => {
  const tempDir = useTempDir();

  it('sync --strategy ask-user --answers FILE applies the answer to a real conflict', async () => {
    const user = uniqueUserId('ask');
    const dataDir = tempDir();
    const e = testEndpoints();
    const cli = [
      '--data-dir',
      dataDir,
      '--user',
      user,
      '--device',
      'b',
      '--project',
      e.projectId,
      '--firestore',
      e.firestore,
      '--storage',
      e.storage,
    ];
    const a = await openDevice({
      userId: user,
      deviceId: 'a',
      adapter: 'sqlite',
      dir: tempDir(),
      clock: new VirtualClock(),
    });
    try {
      const [id] = await a.sync.store.create('text_notes', [{ type: 'diary', content: 'base' }]);
      await a.sync.syncAll();
      // Device b exists only as the CLI's database: seed it empty, then pull.
      expect((await runCli([...cli, 'seed', '--health', '0'])).code).toBe(0);
      expect((await runCli([...cli, 'sync'])).code).toBe(0);
      await a.sync.store.update('text_notes', id, { content: 'from a' });
      await a.sync.syncAll();
      const b = await openDatabase(`sqlite:${deviceDatabasePath(dataDir, user, 'b')}`);
      await new LocalStore(b.database, systemClock, user).update('text_notes', id, {
        content: 'from b',
      });
      await b.close();

      const answers = path.join(dataDir, 'answers.json');
      fs.writeFileSync(answers, JSON.stringify({ default: 'remote', records: { [id]: 'local' } }));
      const result = await runCli([
        ...cli,
        '--json',
        'sync',
        '--strategy',
        'ask-user',
        '--answers',
        answers,
      ]);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout).result;
      expect(report.conflicts).toEqual([
        expect.objectContaining({
          id,
          strategy: 'ask-user',
          decision: 'local',
          outcome: 'kept-local',
        }),
      ]);
      await a.sync.syncAll();
      expect(rawOf(await a.opened.database.get('text_notes').find(id)).content).toBe('from b');

      fs.writeFileSync(answers, '{"default": "sometimes"}');
      const bad = await runCli([...cli, 'sync', '--strategy', 'ask-user', '--answers', answers]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/"default" must be local, remote or merge/);
    } finally {
      await a.close();
    }
  });

  it('shows both versions side by side with the fields changed on each side marked', () => {
    process.env.NO_COLOR = '1';
    const text = sideBySide({
      table: 'text_notes',
      id: 'n1',
      local: {
        values: {
          user_id: 'u',
          type: 'diary',
          title: 'Mine',
          content: 'x',
          tags: null,
          mood: 'calm',
          created_at: 1,
          updated_at: 2,
          embedding_id: null,
        },
        changed: ['title', 'content'],
      },
      remote: {
        values: {
          user_id: 'u',
          type: 'diary',
          title: 'Theirs',
          content: 'x',
          tags: null,
          mood: 'sad',
          created_at: 1,
          updated_at: 3,
          embedding_id: null,
        },
        changed: ['title', 'mood'],
      },
    });
    expect(text).toMatch(/^! title\s+Mine\s+Theirs$/m);
    expect(text).toMatch(/^< content\s+x\s+x$/m);
    expect(text).toMatch(/^> mood\s+calm\s+sad$/m);
    expect(text).toMatch(/^ {2}type\s+diary\s+diary$/m);
  });
});
