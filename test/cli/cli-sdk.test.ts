import { describe, expect, it } from 'vitest';
import { backendArgs, testClients, uniqueUserId } from '../helpers/backend';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/**
 * `--sdk`: a device made with `seed --sdk client` syncs through the app's own SDK (rules
 * enforced) until told otherwise, and says so; an admin device of the same user reads what it
 * wrote; a wrong value is a usage error that changes nothing.
 */
describe('--sdk on the command line', () => {
  const tempDir = useTempDir('cli-sdk-');

  it('seed --sdk client makes a device that syncs as the app does, remembered; --sdk admin switches it', async () => {
    const user = uniqueUserId('sdk');
    const base = ['--data-dir', tempDir(), '--user', user, ...backendArgs()];
    const phone = [...base, '--device', 'phone'];
    const seeded = await runCli([...phone, '--json', 'seed', '--text', '4', '--sdk', 'client']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout).result.sdk).toBe('client');

    const first = await runCli([...phone, '--json', 'sync']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).result).toMatchObject({ sdk: 'client', pushed: 4 });
    // What the client wrote is on the server in the wire format, stamped by this device.
    const clients = testClients('cli-sdk');
    try {
      const docs = await clients.firestore
        .collection('text_notes')
        .where('user_id', '==', user)
        .get();
      expect(docs.size).toBe(4);
      expect(docs.docs.every((d) => d.get('_device') === 'phone')).toBe(true);
    } finally {
      await clients.close();
    }

    // Without --sdk the device keeps its SDK; the text report says which.
    const again = await runCli([...phone, 'sync']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/phone \(client SDK\): pushed 0, pulled 0/);

    // An admin device of the same user pulls the client's writes.
    const tablet = [...base, '--device', 'tablet'];
    expect((await runCli([...tablet, 'seed', '--text', '1'])).code).toBe(0);
    const admin = await runCli([...tablet, '--json', 'sync']);
    expect(admin.code, admin.stderr).toBe(0);
    expect(JSON.parse(admin.stdout).result).toMatchObject({ sdk: 'admin', pushed: 1, pulled: 4 });

    // The phone switches to admin and stays there; it pulls the tablet's note either way.
    const switched = await runCli([...phone, '--json', 'sync', '--sdk', 'admin']);
    expect(JSON.parse(switched.stdout).result).toMatchObject({ sdk: 'admin', pulled: 1 });
    const after = await runCli([...phone, '--json', 'sync']);
    expect(JSON.parse(after.stdout).result).toMatchObject({ sdk: 'admin', pulled: 0, pushed: 0 });
  }, 120_000);

  it.each([
    [['seed', '--sdk', 'firebase']],
    [['sync', '--sdk', 'mixed']],
    [['run', '--sdk', 'both']],
  ])('%j is a usage error naming the choices', async (args) => {
    const result = await runCli(['--data-dir', tempDir(), ...backendArgs(), ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--sdk must be admin or client|--sdk must be admin, client or mixed/,
    );
  });
});
