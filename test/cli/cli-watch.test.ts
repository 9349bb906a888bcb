import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock';
import type { Sdk } from '../../src/core/sdk';
import { testEndpoints, uniqueUserId } from '../helpers/backend';
import { collect, startCli } from '../helpers/cli';
import { openDevice } from '../helpers/device';
import { useTempDir } from '../helpers/temp-dir';

describe('personalai-sync watch', () => {
  const tempDir = useTempDir();

  // Through firebase-admin, and as the app listens: its own SDK signed in as the user, the rules
  // deciding what it may see (the phone's device writes through the same SDK).
  it.each<Sdk>(['admin', 'client'])(
    'through the %s SDK: shows a user’s remote changes as they land — ids and writer, never values — and no other user’s',
    async (sdk) => {
      const user = uniqueUserId('watch');
      const e = testEndpoints();
      const child = startCli([
        '--user',
        user,
        '--project',
        e.projectId,
        '--firestore',
        e.firestore,
        'watch',
        '--sdk',
        sdk,
      ]);
      const finished = collect(child, 60_000);
      let stdout = '';
      const seen: Array<() => void> = [];
      child.stdout?.on('data', (d) => {
        stdout += d;
        for (const check of seen) check();
      });
      await new Promise<void>((resolve, reject) => {
        let stderr = '';
        child.stderr?.on('data', (d) => {
          stderr += d;
          if (/Watching /.test(stderr)) resolve();
        });
        child.on('exit', () => reject(new Error(`watch exited early: ${stderr}`)));
      });
      const phone = await openDevice({
        userId: user,
        deviceId: 'phone',
        sdk,
        adapter: 'sqlite',
        dir: tempDir(),
        clock: new VirtualClock(),
      });
      const other = await openDevice({
        userId: uniqueUserId('other'),
        deviceId: 'x',
        adapter: 'sqlite',
        dir: tempDir(),
        clock: new VirtualClock(),
      });
      let note = '';
      try {
        [note] = await phone.sync.store.create('text_notes', [
          { type: 'diary', content: 'a secret diary line' },
        ]);
        await phone.sync.syncAll();
        await phone.sync.store.delete('text_notes', [note]);
        await phone.sync.syncAll();
        await other.sync.store.create('text_notes', [{ type: 'diary', content: 'someone else' }]);
        await other.sync.syncAll();
      } finally {
        await phone.close();
        await other.close();
      }
      // Both changes arrive as lines; then Ctrl-C ends the watch cleanly.
      await new Promise<void>((resolve) => {
        const check = () => {
          if (new RegExp(`text_notes/${note}  deleted`).test(stdout)) resolve();
        };
        seen.push(check);
        check();
      });
      child.kill('SIGINT');
      const result = await finished;
      expect(result.code).toBe(0);
      const lines = result.stdout.split('\n').filter((l) => l.includes('text_notes/'));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`text_notes/${note}  added  by phone`));
      expect(lines[1]).toMatch(new RegExp(`text_notes/${note}  deleted  by phone`));
      expect(result.stdout).not.toContain('secret diary');
      expect(result.stdout).toMatch(/2 change\(s\) seen\./);
    },
  );
});
