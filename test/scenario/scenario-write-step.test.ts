import Sqlite from 'better-sqlite3';
import { serverTimestamp as clientServerTimestamp, deleteField } from 'firebase/firestore';
import { describe, expect, it } from 'vitest';
import { ADMIN_SENTINELS, documentWrite } from '../../src/adapters/firestore-remote';
import { describeStep } from '../../src/scenario/describe-step';
import { generateScenario, parseGenerated } from '../../src/scenario/fuzz';
import { parseScenarioText, ScenarioFileError } from '../../src/scenario/load-scenario';
import { runScenario, type ScenarioRunOptions } from '../../src/scenario/run-scenario';
import { recordValues, writerDocument } from '../../src/simulate/writer-documents';
import { META } from '../../src/sync/wire-format';
import { scenarioEndpoints } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The `write` step: another writer (the Firebase JS SDK as the user with the rules enforced, or
 * firebase-admin) puts records on the server while devices sync. Its wire-format documents are
 * the engine's own and reach every device; original-format and malformed ones stay on the server
 * only; the judge counts all of them and notices a device that lacks a wire-format one or holds
 * a malformed one.
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

describe('the write step’s format', () => {
  it('has defaults, and names itself in reports', () => {
    const s = parseScenarioText(
      `${HEADER}steps:\n  - write: {}\n  - write: { as: admin, count: 1000, format: malformed, collection: text_notes }\n  - write: { count: 300, wait: false, headStart: 2s }\n  - write: { count: 5, rate: 6/h, commit: each }\n`,
    );
    expect(s.steps[0]).toEqual({
      write: {
        as: 'client',
        collection: 'health_data',
        count: 1,
        format: 'wire',
        commit: 'one',
        wait: true,
        headStart: 0,
      },
    });
    expect(s.steps.map((step, i) => describeStep(step, i))).toEqual([
      '#1 write 1 health_data as client',
      '#2 write 1000 malformed in one commit text_notes as admin',
      '#3 write 300 in one commit, not waited for (head start 2s) health_data as client',
      '#4 write 5 one commit each at 0.1/min health_data as client',
    ]);
  });

  it('refuses what the rules or the SDK would refuse, and a user that is not there', () => {
    expect(problemsOf(`${HEADER}steps:\n  - write: { format: original }\n`)).toEqual([
      'steps[0].write.format: firestore.rules refuse original documents from a client; write them as: admin',
    ]);
    expect(problemsOf(`${HEADER}steps:\n  - write: { count: 501 }\n`)).toEqual([
      'steps[0].write.count: a client WriteBatch holds at most 500 writes; use as: admin for a bigger single commit',
    ]);
    expect(problemsOf(`${HEADER}steps:\n  - write: { as: admin, count: 1001 }\n`)[0]).toMatch(
      /^steps\[0\]\.write\.count: /,
    );
    expect(problemsOf(`${HEADER}steps:\n  - write: { headStart: 1s }\n`)).toEqual([
      'steps[0].write.headStart: a head start is for a write not waited for (wait: false)',
    ]);
    expect(problemsOf(`${HEADER}steps:\n  - write: { rate: 1/s, wait: false }\n`)).toEqual([
      'steps[0].write.wait: a write with a rate runs while time passes; it cannot also run in the background',
    ]);
    expect(problemsOf(`${HEADER}steps:\n  - write: { user: bob }\n`)).toEqual([
      'steps[0].write.user: no user "bob"',
    ]);
    expect(problemsOf(`${HEADER}  - id: bob\n    devices: [pc]\nsteps:\n  - write: {}\n`)).toEqual([
      'steps[0].write.user: name the user whose data this writes (the scenario has several)',
    ]);
    expect(problemsOf(`${HEADER}steps:\n  - write: { collection: photo_memories }\n`)[0]).toMatch(
      /^steps\[0\]\.write\.collection: /,
    );
  });
});

describe('the writer’s documents', () => {
  const values = recordValues(
    'health_data',
    { data_type: 'steps', value: 12, unit: 'count', source: 'phone', recorded_at: 5 },
    'u1',
    1000,
  );

  it('a wire-format document is exactly the engine’s create, with the writing SDK’s sentinels', () => {
    for (const sentinels of [
      ADMIN_SENTINELS,
      { serverTimestamp: clientServerTimestamp, deleteField },
    ]) {
      const doc = writerDocument({
        table: 'health_data',
        id: 'w1',
        values,
        format: 'wire',
        writerId: 'writer.client',
        sentinels,
        index: 0,
      });
      const engine = documentWrite(
        { id: 'w1', expected: null, set: values, remove: [], deleted: false, changed: [] },
        'writer.client',
        sentinels,
      );
      expect(doc.data).toEqual(engine.data);
      expect(doc.merge).toBe(false);
      expect(doc.fields).toEqual(values);
    }
  });

  it('an original-format document is the record’s fields alone, set with merge', () => {
    const doc = writerDocument({
      table: 'health_data',
      id: 'o1',
      values,
      format: 'original',
      writerId: 'w',
      sentinels: ADMIN_SENTINELS,
      index: 0,
    });
    expect(doc).toMatchObject({ data: values, merge: true, malformation: null });
    expect(Object.keys(doc.data).filter((k) => k.startsWith('_'))).toEqual([]);
  });

  it('malformed documents take turns: wrong type, missing field, unknown field, bad server time', () => {
    const docs = [0, 1, 2, 3, 4].map((index) =>
      writerDocument({
        table: 'health_data',
        id: `m${index}`,
        values,
        format: 'malformed',
        writerId: 'w',
        sentinels: ADMIN_SENTINELS,
        index,
      }),
    );
    expect(docs.map((d) => d.malformation)).toEqual([
      'wrong-type',
      'missing-field',
      'unknown-field',
      'bad-server-time',
      'wrong-type',
    ]);
    expect(docs[0].data.data_type).toBe(12345);
    expect('updated_at' in docs[1].data).toBe(false);
    expect(docs[2].data.written_by_a_newer_app).toBeTypeOf('string');
    expect(docs[3].data[META.serverTime]).toBeTypeOf('string');
  });
});

/** Counts the rows of a device's SQLite file whose id starts with `prefix`. */
function rowsOn(file: string, table: string, prefix: string): string[] {
  const db = new Sqlite(file, { readonly: true });
  try {
    return (
      db.prepare(`SELECT id FROM ${table} WHERE id LIKE ? ORDER BY id`).all(`${prefix}%`) as Array<{
        id: string;
      }>
    ).map((r) => r.id);
  } finally {
    db.close();
  }
}

const WRITERS = parseScenarioText(`
name: other writers
seed: 3
files: false
background: 0
users:
  - id: wanda
    devices: [phone, tablet]
steps:
  - create: { device: phone, collection: text_notes, id: own-note, fields: {} }
  - sync: all
  - write: { as: client, collection: health_data, count: 30 }
  - write: { as: admin, collection: location_data, count: 1000 }
  - write: { as: client, collection: text_notes, count: 3, commit: each, wait: false }
  - write: { as: admin, collection: health_data, count: 2, format: original }
  - write: { as: admin, collection: text_notes, count: 4, format: malformed }
  - sync: phone
expect:
  records: { health_data: 32, location_data: 1000, text_notes: 8 }
`);

describe('other writers in a scenario', () => {
  const tempDir = useTempDir('scenario-write-');
  const run = (beforeJudge?: ScenarioRunOptions['beforeJudge']) =>
    runScenario({
      scenario: WRITERS,
      ...scenarioEndpoints('write-step'),
      dataDir: tempDir(),
      beforeJudge,
    });
  const failing = (report: Awaited<ReturnType<typeof run>>) =>
    Object.fromEntries(
      report.invariants.filter((i) => !i.holds).map((i) => [i.name, i.violations]),
    );

  it('wire-format documents reach every device; original-format and malformed ones stay on the server, counted', {
    timeout: 120_000,
  }, async () => {
    let seen: Record<string, Record<string, string[]>> = {};
    const report = await run(async ({ databaseFiles }) => {
      seen = Object.fromEntries(
        Object.entries(databaseFiles).map(([device, file]) => [
          device,
          {
            health: rowsOn(file, 'health_data', 'w'),
            location: rowsOn(file, 'location_data', 'w4-'),
            notes: rowsOn(file, 'text_notes', 'w'),
          },
        ]),
      );
    });
    expect(failing(report)).toEqual({});
    expect(
      report.otherWrites.map((w) => [w.as, w.format, w.documents, w.commits, w.error]),
    ).toEqual([
      ['client', 'wire', 30, 1, null],
      ['admin', 'wire', 1000, 1, null],
      ['client', 'wire', 3, 3, null],
      ['admin', 'original', 2, 1, null],
      ['admin', 'malformed', 4, 1, null],
    ]);
    for (const device of ['wanda/phone', 'wanda/tablet']) {
      expect(seen[device].health).toHaveLength(30); // the 30 of step 3, not step 6's originals
      expect(seen[device].health.every((id) => id.startsWith('w3-'))).toBe(true);
      expect(seen[device].location).toHaveLength(1000);
      expect(seen[device].notes).toEqual(['w5-wanda-0', 'w5-wanda-1', 'w5-wanda-2']);
    }
    // Three of the malformed notes carry a real server time: the pull quarantines them by id
    // (the fourth's `_server_time` is a string: never pulled). Other errors (a deadline on a
    // loaded machine) may come and go; the heal retries them.
    const quarantined = report.timeline.events
      .filter((e) => e.kind === 'error' && e.device === 'wanda/phone')
      .map((e) => e.detail.split(' ')[0])
      .filter((record) => record.startsWith('text_notes/w7-'));
    expect(new Set(quarantined)).toEqual(
      new Set(['text_notes/w7-wanda-0', 'text_notes/w7-wanda-1', 'text_notes/w7-wanda-2']),
    );
    expect(report.totals.acknowledged).toBe(report.totals.writes);
  });

  it('the judge notices a device missing a writer’s document, and one holding a malformed one', {
    timeout: 120_000,
  }, async () => {
    const report = await run(async ({ databaseFiles }) => {
      const db = new Sqlite(databaseFiles['wanda/tablet']);
      try {
        db.prepare('DELETE FROM health_data WHERE id = ?').run('w3-wanda-7');
        const row = db.prepare('SELECT * FROM text_notes WHERE id = ?').get('w5-wanda-0') as Record<
          string,
          unknown
        >;
        const columns = Object.keys(row);
        db.prepare(
          `INSERT INTO text_notes (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        ).run(...columns.map((c) => (c === 'id' ? 'w7-wanda-2' : row[c])));
      } finally {
        db.close();
      }
    });
    const f = failing(report);
    expect(Object.keys(f)).toEqual(['converged']);
    expect(f.converged).toContainEqual({
      invariant: 'converged',
      record: 'health_data/w3-wanda-7',
      device: 'wanda/tablet',
      step: '#3 write 30 in one commit health_data as client',
      detail: 'on the server, missing on this device',
    });
    expect(f.converged).toContainEqual({
      invariant: 'converged',
      record: 'text_notes/w7-wanda-2',
      device: 'wanda/tablet',
      step: '#7 write 4 malformed in one commit text_notes as admin',
      detail:
        'a writer wrote this document malformed; the pull must quarantine it, yet it is on this device',
    });
  });
});

describe('the other-writer fuzz actor (fixed seed)', () => {
  it('joins about half the runs, drawn apart from the device steps, with every kind of write', () => {
    const writes = [];
    let runs = 0;
    for (let run = 0; run < 200; run += 1) {
      const input = generateScenario(20261125, run);
      const steps = (input.steps ?? []) as Array<{ write?: Record<string, unknown> }>;
      const found = steps.flatMap((s) => (s.write ? [s.write] : []));
      if (found.length > 0) runs += 1;
      writes.push(...found);
      parseGenerated(input);
    }
    expect(runs).toBeGreaterThan(70);
    expect(runs).toBeLessThan(130);
    const kinds = new Set(
      writes.map(
        (w) =>
          `${w.as}/${w.format}/${w.rate ? 'rate' : w.wait === false ? 'background' : w.commit}`,
      ),
    );
    for (const kind of [
      'client/wire/one',
      'client/wire/each',
      'client/wire/background',
      'client/wire/rate',
      'admin/wire/one',
      'admin/original/one',
      'admin/malformed/background',
    ])
      expect(kinds, kind).toContain(kind);
    // Seed 20261125 run 5: a background bulk of 300 client notes (the late-write race's shape).
    expect(generateScenario(20261125, 5).steps).toContainEqual({
      write: {
        user: 'fuzz',
        as: 'client',
        collection: 'text_notes',
        format: 'wire',
        count: 300,
        commit: 'one',
        wait: false,
        headStart: '2s',
      },
    });
  });
});
