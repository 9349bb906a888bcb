import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { deviceDatabasePath } from '../../src/db/device-paths';
import { DATA_TABLES } from '../../src/db/schema-current';
import { backendArgs, testClients, uniqueUserId } from '../helpers/backend';
import { runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

const validateReport = new Ajv({ allErrors: true }).compile(
  JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'report.schema.json'), 'utf8'),
  ),
);

/** Parses what `run --json` printed, holding it to the published docs/report.schema.json. */
function validReport(stdout: string) {
  const document = JSON.parse(stdout);
  const valid = validateReport(document);
  expect(validateReport.errors ?? [], 'report.schema.json violations').toEqual([]);
  expect(valid).toBe(true);
  return document.result;
}

/** End to end through the real bin/personalai-sync process, against the test emulators. */
describe('personalai-sync seed, run and sync', () => {
  const tempDir = useTempDir();
  const backendFlags = backendArgs;

  async function serverCounts(user: string): Promise<Record<string, number>> {
    const { firestore, close } = testClients('run-check');
    try {
      const counts: Record<string, number> = {};
      for (const table of DATA_TABLES) {
        const docs = await firestore.collection(table).where('user_id', '==', user).get();
        counts[table] = docs.docs.filter((d) => d.get('_deleted') !== true).length;
      }
      return counts;
    } finally {
      await close();
    }
  }

  it('seed, then run --offline-for 3s: drains to nothing pending, exit 0, and the server holds every record', async () => {
    const user = uniqueUserId('run');
    const base = ['--data-dir', tempDir(), '--user', user, '--seed', '11', ...backendFlags()];
    const seeded = await runCli([...base, '--json', 'seed', '--count', '150']);
    expect(seeded.code).toBe(0);
    expect(JSON.parse(seeded.stdout).result.total).toBe(150);
    const run = await runCli(
      [...base, '--json', 'run', '--offline-for', '3s', '--record-rate', '4/s'],
      {},
      120_000,
    );
    expect(run.code).toBe(0);
    const report = validReport(run.stdout);
    expect(report).toMatchObject({
      seed: 11,
      drained: true,
      pending: 0,
      errorsParked: 0,
      seeded: 0,
      invariants: { holds: true, count: 0 },
    });
    expect(report.recordedOffline).toBeGreaterThanOrEqual(10);
    expect(report.ackLatencyMs.count).toBe(report.recordedOffline);
    const local = Object.fromEntries(DATA_TABLES.map((t) => [t, report.collections[t].records]));
    expect(await serverCounts(user)).toEqual(local);
    const total = Object.values(local).reduce((a, b) => a + b, 0);
    expect(total).toBe(150 + report.recordedOffline);
  }, 180_000);

  it('with --fail-rate 0.3 and lost acknowledgements, three devices still drain and nothing is lost or doubled', async () => {
    const user = uniqueUserId('faults');
    const base = ['--data-dir', tempDir(), '--user', user, '--seed', '5', ...backendFlags()];
    const run = await runCli(
      [
        ...base,
        '--json',
        'run',
        '--offline-for',
        '2s',
        '--fail-rate',
        '0.3',
        '--ack-lost-rate',
        '0.2',
        '--devices',
        '3',
        '--strategy',
        'merge',
      ],
      {},
      240_000,
    );
    expect(run.code).toBe(0);
    const report = validReport(run.stdout);
    expect(report.drained).toBe(true);
    expect(report.invariants).toMatchObject({ holds: true, count: 0 });
    expect(
      Object.values(report.faultsInjected as Record<string, number>).reduce((a, b) => a + b, 0),
    ).toBeGreaterThan(0);
    const local = Object.fromEntries(DATA_TABLES.map((t) => [t, report.collections[t].records]));
    expect(await serverCounts(user)).toEqual(local);
    // Three devices each seeded a default day (229 records) and recorded offline; all of it, once.
    expect(Object.values(local).reduce((a, b) => a + b, 0)).toBe(3 * 229 + report.recordedOffline);
  }, 300_000);

  it('a black-holed network makes syncs time out and recover, not hang', async () => {
    const user = uniqueUserId('hole');
    const base = ['--data-dir', tempDir(), '--user', user, '--seed', '3', ...backendFlags()];
    const started = Date.now();
    const run = await runCli(
      [...base, '--json', 'run', '--offline-for', '2s', '--blackhole', '--deadline', '500ms'],
      {},
      150_000,
    );
    expect(run.code).toBe(0);
    const report = validReport(run.stdout);
    expect(report.drained).toBe(true);
    expect(report.invariants).toMatchObject({ holds: true, count: 0 });
    expect(report.errors.some((e: { code: string }) => e.code === 'deadline-exceeded')).toBe(true);
    expect(Date.now() - started).toBeLessThan(150_000);
  }, 180_000);

  it('in a black hole the user keeps recording at --record-rate while a pass waits on its deadline (issue 18, finding 3)', async () => {
    const user = uniqueUserId('holerate');
    const dir = tempDir();
    const base = ['--data-dir', dir, '--user', user, '--seed', '5', ...backendFlags()];
    // Every call into the hole waits 4 s of real time: longer than the whole offline window (the
    // pass then waits out the app's 5 attempts, about 30 s, which is this test's cost).
    const run = await runCli(
      [
        ...base,
        '--json',
        'run',
        '--offline-for',
        '3s',
        '--record-rate',
        '2/s',
        '--blackhole',
        '--deadline',
        '4s',
      ],
      {},
      150_000,
    );
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const report = validReport(run.stdout);
    expect(report.recordedOffline).toBe(6);
    // The pass that went into the hole at the first tick outlived the window, and the report says
    // how long the run waited for it.
    expect(report.phases.waitedForPassesMs).toBeGreaterThan(0);
    expect(report.phases.totalMs).toBeGreaterThan(
      report.phases.offlineForMs + report.phases.waitedForPassesMs,
    );
    expect(report.invariants).toMatchObject({ holds: true, count: 0 });
    // When the offline records were made, on the device: spread over the window a tick at a
    // time, not two at the first tick and the rest at once after the stuck pass gave up.
    const sqlite = new Database(deviceDatabasePath(dir, user, report.devices[0]), {
      readonly: true,
    });
    const times: number[] = [];
    try {
      for (const table of DATA_TABLES)
        for (const row of sqlite.prepare(`SELECT created_at FROM ${table}`).all() as Array<{
          created_at: number;
        }>)
          times.push(row.created_at);
    } finally {
      sqlite.close();
    }
    // The 229 seeded records come first; the last 6 are the ones made offline.
    expect(times).toHaveLength(229 + 6);
    times.sort((a, b) => a - b).splice(0, 229);
    const bursts = times.filter((t, i) => i === 0 || t - times[i - 1] > 500).length;
    expect(
      bursts,
      `created at ${times.map((t) => t - times[0]).join(', ')} ms`,
    ).toBeGreaterThanOrEqual(3);
  }, 180_000);

  // Two of the four crash points through the command (a lost acknowledgement, and a pull with a
  // second device): all four are exercised by crash-safety.test.ts, the library's crash
  // scenarios and the fuzzer, which draws every crash point.
  it.each(['after-remote-write', 'after-pull'])(
    'a device that dies %s and restarts loses and duplicates nothing',
    async (point) => {
      const user = uniqueUserId('crash');
      const base = ['--data-dir', tempDir(), '--user', user, '--seed', '21', ...backendFlags()];
      // after-pull needs something to pull: a second device's data.
      const devices = point === 'after-pull' ? ['--devices', '2'] : [];
      const run = await runCli(
        [...base, '--json', 'run', '--offline-for', '1s', '--crash-at', point, ...devices],
        {},
        150_000,
      );
      expect(run.code, run.stderr.slice(-3000)).toBe(0);
      const report = validReport(run.stdout);
      expect(report.crashes.map((c: { point: string }) => c.point)).toContain(point);
      expect(report.drained).toBe(true);
      expect(report.invariants).toMatchObject({ holds: true, count: 0 });
      const local = Object.fromEntries(DATA_TABLES.map((t) => [t, report.collections[t].records]));
      expect(await serverCounts(user)).toEqual(local);
      expect(Object.values(local).reduce((a, b) => a + b, 0)).toBe(
        report.devices.length * 229 + report.recordedOffline,
      );
    },
    180_000,
  );

  it('run keeps state between invocations, and --fresh forgets the user’s devices and remote data first', async () => {
    const user = uniqueUserId('fresh');
    const base = [
      '--data-dir',
      tempDir(),
      '--user',
      user,
      '--seed',
      '8',
      ...backendFlags(),
      '--json',
      'run',
      '--offline-for',
      '0s',
    ];
    const first = validReport((await runCli(base, {}, 120_000)).stdout);
    expect(first.seeded).toBe(229);
    const second = validReport((await runCli(base, {}, 120_000)).stdout);
    expect(second.seeded).toBe(0); // the device kept its data
    const fresh = validReport((await runCli([...base, '--fresh'], {}, 120_000)).stdout);
    expect(fresh.seeded).toBe(229);
    const counts = await serverCounts(user);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(229); // only the fresh day is left
  }, 300_000);

  it('run --save-scenario writes its timeline, and scenario run replays it to the same verdict', async () => {
    const user = uniqueUserId('saved');
    const dir = tempDir();
    const file = path.join(dir, 'run.yaml');
    const base = ['--data-dir', dir, '--user', user, '--seed', '13', ...backendFlags()];
    const run = await runCli(
      [
        ...base,
        '--json',
        'run',
        '--offline-for',
        '2s',
        '--record-rate',
        '3/s',
        '--devices',
        '2',
        '--crash-at',
        'after-remote-write',
        '--save-scenario',
        file,
      ],
      {},
      150_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const report = validReport(run.stdout);
    expect(report).toMatchObject({ drained: true, seeded: 2 * 229, recordedOffline: 12 });
    expect(report.invariants.holds).toBe(true);
    const saved = fs.readFileSync(file, 'utf8');
    expect(saved).toMatch(/^# Replay: npx personalai-sync scenario run /m);
    expect(saved).toMatch(/crash:\n\s+device: all\n\s+at: after-remote-write/);
    expect(saved).toMatch(/rate: 3\n/);

    const replay = await runCli(
      [...backendFlags(), '--data-dir', dir, '--json', 'scenario', 'run', file],
      {},
      150_000,
    );
    expect(replay.code, replay.stderr).toBe(0);
    const [scenario] = JSON.parse(replay.stdout).result.scenarios;
    expect(scenario).toMatchObject({ seed: 13, passed: report.invariants.holds });
    expect(scenario.totals.crashes).toBe(2); // each device died once, as in the run
    expect(scenario.totals.writes).toBe(report.seeded + report.recordedOffline);
  }, 300_000);

  it('sync pushes a seeded device in one pass and status then says Synced', async () => {
    const user = uniqueUserId('sync');
    const base = ['--data-dir', tempDir(), '--user', user, '--device', 'tablet', ...backendFlags()];
    expect((await runCli([...base, 'seed', '--health', '20', '--text', '3'])).code).toBe(0);
    const sync = await runCli([...base, 'sync']);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/pushed 23, pulled 0/);
    expect(sync.stdout).toMatch(/Nothing pending\./);
    const status = await runCli([...base, '--json', 'status']);
    expect(JSON.parse(status.stdout).result).toMatchObject({
      indicator: 'Synced',
      pendingCount: 0,
    });

    // The app edits a note its own way (marked pending, no queue row): not Synced any more.
    const file = deviceDatabasePath(base[1], user, 'tablet');
    const sqlite = new Database(file);
    sqlite
      .prepare("update text_notes set title = 'edited', sync_status = 'pending' where rowid = 1")
      .run();
    sqlite.close();
    const edited = JSON.parse((await runCli([...base, '--json', 'status'])).stdout).result;
    expect(edited).toMatchObject({ indicator: '1 pending', pendingCount: 1 });
    expect(edited.collections.text_notes.pending).toBe(1);
  }, 120_000);

  it('the published report schema rejects a document that breaks it (it is not vacuous)', () => {
    expect(validateReport({ status: 'ok', exitCode: 0, result: { seed: 1 } })).toBe(false);
    expect(validateReport({ status: 'maybe', exitCode: 0, result: {} })).toBe(false);
  });

  it.each([
    [['run', '--offline-for', '30x'], 2, /--offline-for must be a duration like 30s/],
    [['run', '--fail-rate', '2'], 2, /--fail-rate must be a probability between 0 and 1/],
    [
      ['run', '--strategy', 'newest'],
      2,
      /--strategy must be one of local-wins, remote-wins, merge, ask-user/,
    ],
    [['run', '--strategy', 'ask-user'], 2, /needs a terminal to ask on, or --answers FILE/],
    [['run', '--devices', '0'], 2, /--devices must be a whole number ≥ 1/],
    [['run', '--record-rate', 'fast'], 2, /--record-rate must look like 2\/s/],
    [['run', '--no-such-flag'], 2, /unknown option '--no-such-flag'/],
    [['teleport'], 2, /unknown command 'teleport'/],
    [['--user', '../../etc', 'seed'], 2, /User id "\.\.\/\.\.\/etc" is not allowed/],
    [['--device', 'a/b', 'status'], 2, /Device id "a\/b" is not allowed/],
    [['seed', '--count', '5', '--health', '2'], 2, /either --count or per-table counts/],
    [['seed', '--count', '-3'], 2, /--count must be a whole number ≥ 1/],
    [
      ['run', '--fail-rate', 'pull=0.1,sideways=0.2'],
      2,
      /"sideways" is not an operation; use pull, push or upload/,
    ],
    [
      ['run', '--fail-rate', 'push=1.5'],
      2,
      /--fail-rate push must be a probability between 0 and 1/,
    ],
    [
      ['run', '--fail-kinds', 'unavailable,gremlins'],
      2,
      /--fail-kinds takes a comma-separated list/,
    ],
    [['run', '--crash-at', 'lunch'], 2, /--crash-at must be one of before-remote-write/],
  ])('bad input %j exits %i with one clear line', async (args, code, message) => {
    const result = await runCli(['--data-dir', tempDir(), ...args]);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });

  it('run exits 1 when records are left parked in error, and the checker names them', async () => {
    const user = uniqueUserId('parked');
    const base = ['--data-dir', tempDir(), '--user', user, '--seed', '2', ...backendFlags()];
    const run = await runCli(
      [
        ...base,
        '--json',
        'run',
        '--offline-for',
        '0s',
        '--fail-rate',
        'upload=1',
        '--fail-kinds',
        'permission-denied',
      ],
      {},
      120_000,
    );
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document.status).toBe('failed');
    const report = validReport(run.stdout);
    expect(report.drained).toBe(false);
    expect(report.errorsParked).toBe(7); // every voice note and photo of the seeded day
    expect(report.invariants.holds).toBe(false);
    expect(report.invariants.violations.map((v: { invariant: string }) => v.invariant)).toContain(
      'drained',
    );
  }, 180_000);

  it('server data lives with the data directory: a second run on it agrees with the first (issue 18, finding 1)', async () => {
    const dir = tempDir();
    const base = ['--data-dir', dir, '--user', uniqueUserId('saved'), '--device', 'phone'];
    // No emulator named, none registered in this data directory: each command starts its own.
    const run = () => runCli([...base, '--json', 'run', '--offline-for', '2s'], {}, 240_000);
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/Started emulators for this command, empty \(nothing saved yet\)/);
    expect(fs.existsSync(path.join(dir, 'emulator-data', 'firestore'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'emulator-data', 'storage', 'buckets.json'))).toBe(true);
    // Before, this second run met an empty server: exit 1, hundreds of "not on the server".
    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/with the server data saved by the last command/);
    const report = validReport(second.stdout);
    expect(report.invariants.holds).toBe(true);
    expect(report.invariants.checked.records).toBeGreaterThan(
      validReport(first.stdout).invariants.checked.records,
    );
    // Attached to running emulators, the saved data is neither used nor touched.
    const attached = await runCli([...base, ...backendFlags(), 'sync']);
    expect(attached.code, attached.stderr).toBe(0);
    expect(attached.stderr).not.toMatch(/Started emulators/);
  }, 600_000);

  it('run without any Firestore emulator exits 3 and says how to install one', async () => {
    const result = await runCli(['--data-dir', tempDir(), 'run', '--offline-for', '1s'], {
      FIRESTORE_EMULATOR_BINARY_PATH: '/nowhere/cloud_firestore_emulator',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Firestore emulator was not found/);
  });
});
