import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createFirebaseClients } from '../../src/adapters/firebase-clients';
import { VirtualClock } from '../../src/core/clock';
import { describeStep } from '../../src/scenario/describe-step';
import { DeviceSlot } from '../../src/scenario/device-slot';
import { killDuringPass } from '../../src/scenario/kill-device';
import { parseScenarioText, ScenarioFileError } from '../../src/scenario/load-scenario';
import { scenarioEndpoints, uniqueUserId } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The `kill` step: a device's sync pass in a child process, killed with SIGKILL at a named point
 * (a commit's reply arrived and not settled, a pulled page not applied, inside a SQLite
 * transaction), the device reopened from its SQLite file; real devices, real emulators, the
 * database read from outside after each kill.
 */
const HEADER = 'name: t\nusers:\n  - id: alice\n    devices: [phone, tablet]\n';

function problemsOf(text: string) {
  try {
    parseScenarioText(text, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioFileError);
    return (error as ScenarioFileError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('the scenario was accepted');
}

describe('the kill step’s format', () => {
  it('has defaults and names itself in reports', () => {
    const s = parseScenarioText(
      `${HEADER}steps:\n  - kill: { device: phone, at: commit-acked }\n  - kill: { device: all, at: sql-in-transaction, nth: 3 }\n`,
    );
    expect(s.steps[0]).toEqual({ kill: { device: 'phone', at: 'commit-acked', nth: 1 } });
    expect(s.steps.map((step, i) => describeStep(step, i))).toEqual([
      '#1 kill phone at commit-acked',
      '#2 kill all at sql-in-transaction #3',
    ]);
  });

  it('refuses an unknown point and a count below 1', () => {
    expect(
      problemsOf(`${HEADER}steps:\n  - kill: { device: phone, at: after-pull, nth: 0 }\n`),
    ).toEqual([
      'steps[0].kill.at: Invalid option: expected one of "pull-page"|"commit-sent"|"commit-acked"|"sql-in-transaction"',
      'steps[0].kill.nth: Too small: expected number to be >=1',
    ]);
  });
});

describe('kill on real devices', () => {
  const tempDir = useTempDir('kill-step-');
  const endpoints = scenarioEndpoints('kill-step');
  const clients = createFirebaseClients(endpoints, 'kill-judge');
  const slots: DeviceSlot[] = [];
  afterAll(async () => {
    for (const slot of slots) await slot.close();
    await clients.close();
  });

  const openSlot = async (deviceId: string, userId: string, dataDir: string) => {
    const slot = new DeviceSlot({
      ...endpoints,
      dataDir,
      userId,
      deviceId,
      seed: 17,
      storage: null,
      userName: 'alice',
      clock: new VirtualClock(Date.UTC(2026, 5, 1)),
      strategy: 'remote-wins',
      deadlineMs: 20_000,
    });
    slots.push(slot);
    await slot.open();
    return slot;
  };
  const local = (slot: DeviceSlot) => {
    const db = new Sqlite(slot.device.folders.databaseFile!, { readonly: true });
    try {
      const one = (sql: string) => Object.values(db.prepare(sql).get() as object)[0];
      return {
        integrity: one('PRAGMA integrity_check'),
        notes: one("SELECT count(*) FROM text_notes WHERE _status IS NOT 'deleted'") as number,
        synced: one("SELECT count(*) FROM text_notes WHERE sync_status = 'synced'") as number,
        queued: one("SELECT count(*) FROM sync_queue WHERE collection = 'text_notes'") as number,
      };
    } finally {
      db.close();
    }
  };
  const onServer = async (userId: string) =>
    (await clients.firestore.collection('text_notes').where('user_id', '==', userId).get()).size;

  it('dies where it is aimed, loses nothing acknowledged, and the device goes on from its file', {
    timeout: 300_000,
  }, async () => {
    const userId = uniqueUserId('kill');
    const dataDir = tempDir();
    const phone = await openSlot('phone', userId, dataDir);
    const now = phone.clock.now();
    await phone.device.sync.store.create(
      'text_notes',
      Array.from({ length: 600 }, (_, i) => ({
        id: `k-${userId}-${i}`,
        type: 'diary',
        title: `t${i}`,
        content: `c${i}`,
        created_at: now,
        updated_at: now,
      })) as never,
    );
    expect(local(phone)).toMatchObject({ notes: 600, synced: 0, queued: 600 });

    // Killed the moment a commit's reply arrived: the server has it, the device never settled it.
    const acked = await killDuringPass(phone, { at: 'commit-acked', nth: 1, delayMs: 0 }, 1);
    expect(acked).toMatchObject({ killed: true });
    expect(acked.marks).toContain('commit-sent');
    expect(local(phone)).toMatchObject({ integrity: 'ok', notes: 600, synced: 0, queued: 600 });
    expect([100, 500, 600]).toContain(await onServer(userId));

    // Killed inside a SQLite transaction (the 2nd statement of one): it rolls back whole.
    const inTx = await killDuringPass(phone, { at: 'sql-in-transaction', nth: 2, delayMs: 0 }, 2);
    expect(inTx.killed).toBe(true);
    expect(inTx.detail).toMatch(/^[A-Za-z]+ /);
    const after = local(phone);
    expect(after.integrity).toBe('ok');
    expect(after.notes).toBe(600);
    // Settling is one transaction per commit (500 or 100 records): all of one or none.
    expect([0, 100, 500, 600]).toContain(after.synced);
    expect(after.queued + after.synced).toBe(600);

    // The reopened device (in-process again) finishes: everything once on the server.
    const outcome = await phone.sync();
    expect(outcome.kind).toBe('synced');
    expect(local(phone)).toMatchObject({ integrity: 'ok', notes: 600, synced: 600, queued: 0 });
    expect(await onServer(userId)).toBe(600);

    // The tablet dies with a pulled page in hand: nothing of it applied; then it pulls it all.
    const tablet = await openSlot('tablet', userId, dataDir);
    const pulled = await killDuringPass(tablet, { at: 'pull-page', nth: 1, delayMs: 0 }, 3);
    expect(pulled.killed).toBe(true);
    expect(local(tablet)).toMatchObject({ integrity: 'ok', notes: 0 });
    expect((await tablet.sync()).kind).toBe('synced');
    expect(local(tablet)).toMatchObject({ notes: 600, queued: 0 });

    // Nothing to push: the pass never reaches a commit, ends, and says how far it got.
    const missed = await killDuringPass(tablet, { at: 'commit-sent', nth: 1, delayMs: 0 }, 4);
    expect(missed).toMatchObject({ killed: false, reached: 0 });
    expect(missed.marks).toContain('sync-start');
    expect(local(tablet)).toMatchObject({ integrity: 'ok', notes: 600 });
  });
});
