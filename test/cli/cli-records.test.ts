import { describe, expect, it } from 'vitest';
import { backendArgs, uniqueUserId } from '../helpers/backend';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/**
 * `records list|show|edit|delete` through the real CLI: a person makes a conflict by hand — two
 * devices edit one note, both sync — and deletes a record, the way the app would.
 */
describe('personalai-sync records', () => {
  const tempDir = useTempDir('cli-records-');

  it('edits on two devices make a conflict the next syncs meet; a delete goes up as a tombstone', {
    timeout: 240_000,
  }, async () => {
    const user = uniqueUserId('rec');
    const on = (device: string) => [
      ...backendArgs(),
      '--data-dir',
      tempDir(),
      '--user',
      user,
      '--device',
      device,
      '--json',
    ];
    const json = async (device: string, args: string[], code = 0) => {
      const r = await runCli([...on(device), ...args], {}, 120_000);
      expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(code);
      return JSON.parse(r.stdout);
    };
    await json('phone', ['seed', '--count', '40']);
    await json('phone', ['sync']);
    await json('tablet', ['seed', '--health', '1']); // a second device, with a record of its own
    await json('tablet', ['sync']);
    const listed = await json('tablet', ['records', 'list', '--collection', 'text_notes']);
    const note = listed.result.records[0];
    expect(note).toMatchObject({ collection: 'text_notes', status: 'synced' });
    const ref = `text_notes/${note.id}`;

    const phoneEdit = await json('phone', ['records', 'edit', ref, 'title=From the phone']);
    expect(phoneEdit.result).toMatchObject({ changed: ['title'], record: { status: 'pending' } });
    await json('tablet', ['records', 'edit', ref, 'title=From the tablet', 'mood=']);
    const shown = await json('tablet', ['records', 'show', ref]);
    expect(shown.result).toMatchObject({
      status: 'pending',
      values: { title: 'From the tablet', mood: null },
      queued: { operation: 'update', parked: false },
    });

    await json('phone', ['sync']);
    const tablet = await json('tablet', ['sync']);
    // The tablet's edit was based on the version the phone replaced: a conflict, remote wins.
    expect(tablet.result.conflicts).toHaveLength(1);
    expect(tablet.result.conflicts[0]).toMatchObject({
      collection: 'text_notes',
      id: note.id,
      outcome: 'took-remote',
    });
    const after = await json('tablet', ['records', 'show', ref]);
    expect(after.result).toMatchObject({ status: 'synced', values: { title: 'From the phone' } });

    await json('phone', ['records', 'delete', ref]);
    await json('phone', ['sync']);
    await json('tablet', ['sync']);
    const gone = await runCli([...on('tablet'), 'records', 'show', ref], {}, 60_000);
    expect(gone.code).toBe(2);
    expect(JSON.parse(gone.stdout).error.message).toMatch(/is not on .*\/tablet/);
  });

  it('refuses what the app could not do, and a record the device does not have, as usage errors', {
    timeout: 120_000,
  }, async () => {
    const user = uniqueUserId('rec');
    const base = ['--data-dir', tempDir(), '--user', user, '--device', 'phone'];
    expect((await runCli([...base, 'seed', '--count', '10'], {}, 60_000)).code).toBe(0);
    // The typing rules are unit-tested (test/records/assignments.test.ts); here, that the CLI
    // turns them and a missing record into usage errors that say what to do.
    const cases: Array<[string[], RegExp]> = [
      [['records', 'edit', 'text_notes/x', 'title=a'], /text_notes\/x is not on .*`records list/],
      [['records', 'edit', 'health_data/x', 'value=high'], /value takes a number; got "high"/],
      [['records', 'list', '--status', 'done'], /--status must be one of pending, syncing/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...base, ...args], {}, 60_000);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});
