import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/judge/describe-value';
import { parseScenarioText } from '../../src/scenario/load-scenario';
import { runScenario, type ScenarioRunOptions } from '../../src/scenario/run-scenario';
import { scenarioEndpoints } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The judge must notice damage. Each test runs a small healthy scenario, damages the state the
 * judge reads (the server, Storage, a device's SQLite file) after the heal, and checks that the
 * right invariant fails and names the record, the device and the step.
 */
const SCENARIO = parseScenarioText(`
name: judge target
seed: 5
users:
  - id: alice
    devices: [phone, tablet]
  - id: bob
    devices: [phone]
steps:
  - create: { device: alice/phone, collection: text_notes, id: j-note, fields: { title: kept } }
  - create: { device: alice/phone, collection: text_notes, id: j-gone, fields: { title: to delete } }
  - generate: { device: alice/phone, count: 1, collection: photo_memories }
  - create: { device: bob/phone, collection: text_notes, id: j-bob, fields: { title: bob's } }
  - sync: all
  - update: { device: alice/tablet, collection: text_notes, id: j-note, fields: { title: edited } }
  - delete: { device: alice/tablet, collection: text_notes, id: j-gone }
  - sync: all
`);

describe('the scenario judge', () => {
  const tempDir = useTempDir('scenario-judge-');
  const run = (beforeJudge?: ScenarioRunOptions['beforeJudge']) =>
    runScenario({
      scenario: SCENARIO,
      ...scenarioEndpoints('judge'),
      dataDir: tempDir(),
      beforeJudge,
    });
  const failing = (report: Awaited<ReturnType<typeof run>>) =>
    Object.fromEntries(
      report.invariants.filter((i) => !i.holds).map((i) => [i.name, i.violations]),
    );

  it('passes the healthy run, with every write acknowledged', { timeout: 60_000 }, async () => {
    const report = await run();
    expect(failing(report)).toEqual({});
    expect(report.totals.acknowledged).toBe(report.totals.writes);
    expect(report.invariants.map((i) => i.name)).toEqual([
      'acknowledged-writes',
      'provenance',
      'no-duplicates',
      'converged',
      'drained',
      'deletions',
      'files',
      'conflict-outcomes',
      'isolation',
      'expectations',
      // The runner's own (src/scenario/batched-writes.ts), from the commits it saw.
      'batched-writes',
    ]);
  });

  it('a changed value on the server: acknowledged write lost, value from nowhere, devices differ', {
    timeout: 60_000,
  }, async () => {
    const report = await run(async ({ firestore }) => {
      await firestore.collection('text_notes').doc('j-note').update({ title: 'tampered' });
    });
    const f = failing(report);
    expect(Object.keys(f).sort()).toEqual(['acknowledged-writes', 'converged', 'provenance']);
    expect(f['acknowledged-writes'][0]).toMatchObject({
      record: 'text_notes/j-note',
      device: 'alice/tablet',
      step: '#6 update text_notes/j-note on alice/tablet',
    });
    // Values are described by size and fingerprint, never quoted (they are personal data).
    const detail = f['acknowledged-writes'][0].detail;
    expect(detail).toBe(
      `title is a string of 8 characters (#${fingerprint('tampered')}) on the server; this step wrote a string of 6 characters (#${fingerprint('edited')}), it was acknowledged, and nothing overrode it`,
    );
    expect(JSON.stringify(report)).not.toMatch(/tampered|"edited"/);
    expect(f.converged.map((v) => v.device).sort()).toEqual(['alice/phone', 'alice/tablet']);
  });

  it('a deleted record brought back, and a record nobody created', {
    timeout: 60_000,
  }, async () => {
    const report = await run(async ({ firestore, users }) => {
      const alice = users.find((u) => u.name === 'alice')!.realId;
      await firestore.collection('text_notes').doc('j-gone').update({ _deleted: false });
      await firestore
        .collection('text_notes')
        .doc('j-stranger')
        .set({ user_id: alice, title: 'who?' });
    });
    const f = failing(report);
    expect(f['acknowledged-writes'].map((v) => v.detail)).toContain(
      'deleted and acknowledged, yet alive on the server',
    );
    expect(f['no-duplicates'].map((v) => v.record)).toContain('text_notes/j-stranger');
  });

  it('a file missing from Storage', { timeout: 60_000 }, async () => {
    const report = await run(async ({ bucket, users }) => {
      const alice = users.find((u) => u.name === 'alice')!.realId;
      const [files] = await bucket!.getFiles({ prefix: `users/${alice}/photos/thumbnails/` });
      expect(files).toHaveLength(1);
      await files[0].delete();
    });
    const f = failing(report);
    expect(Object.keys(f)).toEqual(['files']);
    expect(f.files[0].detail).toMatch(/thumbnails\/.*the object is missing/);
  });

  it("another user's record on a device, and a change left in a queue", {
    timeout: 60_000,
  }, async () => {
    const report = await run(async ({ databaseFiles }) => {
      const db = new Sqlite(databaseFiles['bob/phone']);
      const row = db.prepare("SELECT * FROM text_notes WHERE id = 'j-bob'").get() as Record<
        string,
        unknown
      >;
      db.prepare(
        `INSERT INTO text_notes (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
          .map(() => '?')
          .join(', ')})`,
      ).run(...Object.values({ ...row, id: 'j-note' }));
      db.prepare(
        "INSERT INTO sync_queue (id, _status, _changed, collection, document_id, operation, data, attempts, created_at, scheduled_at) VALUES ('text_notes:x', 'created', '', 'text_notes', 'x', 'update', '{}', 0, 0, 0)",
      ).run();
      db.close();
    });
    const f = failing(report);
    expect(f.isolation[0]).toMatchObject({ record: 'text_notes/j-note', device: 'bob/phone' });
    expect(f.isolation[0].detail).toMatch(/a record of alice is on this device of bob/);
    expect(f.drained[0]).toMatchObject({ device: 'bob/phone' });
  });
});
