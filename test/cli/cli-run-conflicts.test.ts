import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { DATA_TABLES } from '../../src/db/schema-current';
import { DEFAULT_DAY } from '../../src/simulate/data-generator';
import { backendArgs, testClients, uniqueUserId } from '../helpers/backend';
import { collect, runCli, startCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

const validateReport = new Ajv({ allErrors: true }).compile(
  JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'report.schema.json'), 'utf8'),
  ),
);

/** What `run --json` printed, held to the published docs/report.schema.json. */
function validReport(stdout: string) {
  const document = JSON.parse(stdout);
  validateReport(document);
  expect(validateReport.errors ?? [], 'report.schema.json violations').toEqual([]);
  return document.result;
}

/** Whether the server holds any record of the user yet: the run's first sync pass has pushed. */
async function serverHasRecords(user: string): Promise<boolean> {
  const { firestore, close } = testClients('run-sign-of-life');
  try {
    const docs = await firestore
      .collection('health_data')
      .where('user_id', '==', user)
      .limit(1)
      .get();
    return !docs.empty;
  } finally {
    await close();
  }
}

/** The user's records on the server, over every collection. */
async function serverRecordCount(user: string): Promise<number> {
  const { firestore, close } = testClients('run-sign-of-life');
  try {
    let total = 0;
    for (const table of DATA_TABLES)
      total += (await firestore.collection(table).where('user_id', '==', user).count().get()).data()
        .count;
    return total;
  } finally {
    await close();
  }
}

/** Polls until the run has pushed its first records (or the child has exited). */
async function untilSynced(child: ReturnType<typeof startCli>, user: string): Promise<void> {
  while (child.exitCode === null && !(await serverHasRecords(user)))
    await new Promise((resolve) => setTimeout(resolve, 250));
}

/** Polls until the server holds more than `count` of the user's records (or the child exited). */
async function untilMoreThan(
  child: ReturnType<typeof startCli>,
  user: string,
  count: number,
): Promise<void> {
  while (child.exitCode === null && (await serverRecordCount(user)) <= count)
    await new Promise((resolve) => setTimeout(resolve, 250));
}

/** `run --edit-rate/--delete-rate` (conflicts when asked) and Ctrl-C (a report, always). */
describe('run makes conflicts when asked, and stops on Ctrl-C with its report', () => {
  const tempDir = useTempDir();

  it('two devices editing the same records offline with --strategy merge: conflicts in the report, invariants hold', async () => {
    const user = uniqueUserId('churn');
    const base = ['--data-dir', tempDir(), '--user', user, '--seed', '31', ...backendArgs()];
    const run = await runCli(
      [
        ...base,
        '--json',
        'run',
        '--devices',
        '2',
        '--online-for',
        '3s',
        '--offline-for',
        '4s',
        '--record-rate',
        '1/s',
        '--edit-rate',
        '2/s',
        '--delete-rate',
        '30/min',
        '--strategy',
        'merge',
      ],
      {},
      170_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const report = validReport(run.stdout);
    expect(report).toMatchObject({
      strategy: 'merge',
      drained: true,
      pending: 0,
      interrupted: false,
      cycles: 1,
      invariants: { holds: true, count: 0 },
      // 4 s at 2/s and at 30/min, on each of the two devices.
      editedOffline: 16,
      deletedOffline: 4,
      recordedOffline: 8,
    });
    expect(report.conflicts.length).toBeGreaterThan(0);
    const perCollection = Object.values(report.collections).reduce(
      (sum: number, c) => sum + (c as { conflicts: number }).conflicts,
      0,
    );
    expect(perCollection).toBe(report.conflicts.length);
  }, 180_000);

  it('--strategy ask-user means something: each conflict of the edits is put to the answers', async () => {
    const user = uniqueUserId('churn-ask');
    const dir = tempDir();
    const answers = path.join(dir, 'answers.json');
    fs.writeFileSync(answers, JSON.stringify({ default: 'local' }));
    const base = ['--data-dir', dir, '--user', user, '--seed', '32', ...backendArgs()];
    const run = await runCli(
      [
        ...base,
        '--json',
        'run',
        '--devices',
        '2',
        '--online-for',
        '3s',
        '--offline-for',
        '3s',
        '--record-rate',
        '0',
        '--edit-rate',
        '2/s',
        '--strategy',
        'ask-user',
        '--answers',
        answers,
      ],
      {},
      170_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const report = validReport(run.stdout);
    expect(report).toMatchObject({
      editedOffline: 12,
      recordedOffline: 0,
      invariants: { holds: true },
    });
    expect(report.conflicts.length).toBeGreaterThan(0);
    for (const conflict of report.conflicts)
      expect(conflict).toMatchObject({ strategy: 'ask-user', decision: 'local' });
  }, 180_000);

  it('with edit and delete rates of 0 (the default), two devices make no conflict, as before', async () => {
    const user = uniqueUserId('no-churn');
    const base = ['--data-dir', tempDir(), '--user', user, '--seed', '31', ...backendArgs()];
    const run = await runCli(
      [...base, '--json', 'run', '--devices', '2', '--offline-for', '2s', '--strategy', 'merge'],
      {},
      170_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const report = validReport(run.stdout);
    expect(report).toMatchObject({
      editedOffline: 0,
      deletedOffline: 0,
      conflicts: [],
      invariants: { holds: true },
    });
    expect(report.recordedOffline).toBe(8);
  }, 180_000);

  it('bad rates are usage errors that say which flag and why', async () => {
    for (const [flag, value, message] of [
      ['--edit-rate', '-1', /--edit-rate cannot be negative/],
      ['--delete-rate', 'often', /--delete-rate must look like 2\/s/],
      ['--edit-rate', '1e999', /--edit-rate must look like/],
    ] as const) {
      const result = await runCli(['--data-dir', tempDir(), 'run', flag, value]);
      expect(result.code, `${flag} ${value}`).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it('run --until-stopped cycles until Ctrl-C, then drains, judges and prints the whole report (exit 130)', async () => {
    const user = uniqueUserId('until');
    const args = ['--data-dir', tempDir(), '--user', user, '--seed', '5', ...backendArgs()];
    const child = startCli([
      ...args,
      '--json',
      'run',
      '--until-stopped',
      '--online-for',
      '1s',
      '--offline-for',
      '2s',
      '--record-rate',
      '2/s',
    ]);
    const done = collect(child, 170_000);
    // Records recorded offline reach the server when the devices are back: a second cycle began.
    const day = Object.values(DEFAULT_DAY).reduce((a, b) => a + b, 0);
    await untilMoreThan(child, user, day);
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/Ctrl-C: stopping/);
    const document = JSON.parse(stopped.stdout);
    expect(document).toMatchObject({ status: 'failed', exitCode: 130 });
    const report = validReport(stopped.stdout);
    expect(report).toMatchObject({
      interrupted: true,
      drained: true,
      pending: 0,
      invariants: { holds: true, count: 0 },
    });
    expect(report.cycles).toBeGreaterThanOrEqual(2);
    expect(report.seeded).toBe(day);
    expect(report.recordedOffline).toBeGreaterThanOrEqual(4);
  }, 180_000);

  it('Ctrl-C during a plain run stops the timeline where it is and prints the partial report (exit 130)', async () => {
    const user = uniqueUserId('ctrl-c');
    const args = ['--data-dir', tempDir(), '--user', user, '--seed', '6', ...backendArgs()];
    // Ten minutes online: without the stop, the test would time out.
    const child = startCli([
      ...args,
      '--json',
      'run',
      '--online-for',
      '10m',
      '--offline-for',
      '1s',
    ]);
    const done = collect(child, 170_000);
    await untilSynced(child, user);
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const report = validReport(stopped.stdout);
    expect(report).toMatchObject({
      interrupted: true,
      cycles: 1,
      recordedOffline: 0,
      drained: true,
      invariants: { holds: true },
    });
    expect(report.seeded).toBeGreaterThan(0);
  }, 180_000);
});
