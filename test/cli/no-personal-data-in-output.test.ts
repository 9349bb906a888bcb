import fs from 'node:fs';
import path from 'node:path';
import { FieldValue } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock';
import { deviceDatabasePath } from '../../src/db/device-paths';
import { openDatabase } from '../../src/db/open-database';
import { LocalStore } from '../../src/sync/local-store';
import { backendArgs, testClients, uniqueUserId } from '../helpers/backend';
import { type CliResult, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Issue 8, "no personal data in logs": recognisable values go into notes, coordinates, health
 * readings, records the push refuses, hostile server documents the pull quarantines, a conflict
 * and a failing scenario; then every line the CLI prints (with --verbose and with --json) and
 * the JUnit file are scanned for them. Fields, sizes, ids and counts may appear; values never.
 */
/**
 * What a scenario file itself expects is its author's text, not personal data: the verdict quotes
 * it (issue 18, finding 9), and so it is not among the canaries.
 */
const AUTHOR_EXPECTED = 'Canary-expected-Capybara';
const CANARY = {
  title: 'Canary-title-Quetzal',
  content: 'Canary-content-Xylophone diary entry',
  mood: 'Canary-mood-Wistful',
  tag: 'Canary-tag-Ocelot',
  address: 'Canary-address 221B Baker Street',
  place: 'Canary-place-Zanzibar',
  metadata: 'Canary-metadata-Narwhal',
  remote: 'Canary-remote-Kinkajou',
  conflictPhone: 'Canary-phone-Axolotl',
  conflictTablet: 'Canary-tablet-Pangolin',
  scenarioWrote: 'Canary-scenario-Wombat',
  huge: 'Canary-huge-Tardigrade',
};
/** Coordinates and readings are personal too; these digits appear nowhere else. */
const NUMBERS = {
  latitude: 12.3456789,
  longitude: 98.7654321,
  reading: 71.123457,
  bad: 89.9876543,
};

function leaks(outputs: string[]): string[] {
  const all = outputs.join('\n');
  const found = Object.values(CANARY).filter((c) => all.includes(c));
  for (const n of Object.values(NUMBERS)) if (all.includes(String(n))) found.push(String(n));
  return found;
}

describe('no personal data in output', () => {
  const tempDir = useTempDir('no-pii-');

  it('sync, status, quarantine, refused pushes, conflicts and scenario verdicts print no value', {
    timeout: 180_000,
  }, async () => {
    const dataDir = tempDir();
    const user = uniqueUserId('pii');
    const outputs: string[] = [];
    // Exit 1 is expected where a sync reports failures (refused or quarantined records).
    const cli = async (args: string[], expectCode: 0 | 1 | 'any' = 0): Promise<CliResult> => {
      const result = await runCli([
        ...backendArgs(),
        '--data-dir',
        dataDir,
        '--user',
        user,
        ...args,
      ]);
      outputs.push(result.stdout, result.stderr);
      if (expectCode === 'any') expect([0, 1], result.stderr).toContain(result.code);
      else expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(expectCode);
      return result;
    };

    await cli(['--device', 'phone', 'seed', '--text', '1']);
    await cli(['--device', 'tablet', 'seed', '--text', '1']);
    const phoneFile = deviceDatabasePath(dataDir, user, 'phone');
    const phone = await openDatabase(`sqlite:${phoneFile}`);
    const now = Date.now();
    try {
      const store = new LocalStore(phone.database, systemClock, user);
      await store.create('text_notes', [
        {
          id: 'pii-note',
          type: 'diary',
          title: CANARY.title,
          content: CANARY.content,
          mood: CANARY.mood,
          tags: JSON.stringify([CANARY.tag]),
        },
        // Refused before the push: over Firestore's 1 MiB, and over the mood bound.
        { id: 'pii-huge', type: 'diary', content: CANARY.huge + '€'.repeat(400_000) },
        { id: 'pii-long-mood', type: 'thought', content: 'x', mood: CANARY.mood.repeat(60) },
      ]);
      await store.create('location_data', [
        {
          id: 'pii-place',
          latitude: NUMBERS.latitude,
          longitude: NUMBERS.longitude,
          accuracy: 5,
          address: CANARY.address,
          place_name: CANARY.place,
          recorded_at: now,
        },
      ]);
      await store.create('health_data', [
        {
          id: 'pii-reading',
          data_type: 'heart_rate',
          value: NUMBERS.reading,
          unit: 'bpm',
          source: 'watch',
          metadata: CANARY.metadata,
          recorded_at: now,
        },
      ]);
    } finally {
      await phone.close();
    }

    // Hostile documents of the same user on the server: each is quarantined by the pull.
    const admin = testClients('pii-admin');
    try {
      const stamp = FieldValue.serverTimestamp();
      const base = { user_id: user, created_at: now, updated_at: now, _server_time: stamp };
      const notes = admin.firestore.collection('text_notes');
      await notes.doc('pii-bad-type').set({ ...base, type: 42, content: CANARY.remote });
      await notes
        .doc('pii-bad-unknown')
        .set({ ...base, type: 'diary', content: 'ok', secret_field: CANARY.remote });
      await notes
        .doc('pii-bad-long')
        .set({ ...base, type: 'diary', content: 'ok', title: CANARY.remote.repeat(100) });
      await notes.doc('pii-bad-enum').set({ ...base, type: CANARY.remote, content: 'ok' });
      await admin.firestore
        .collection('location_data')
        .doc('pii-bad-latitude')
        .set({
          ...base,
          latitude: NUMBERS.bad,
          longitude: 400.5,
          accuracy: 1,
          recorded_at: now,
        });
    } finally {
      await admin.close();
    }

    const first = await cli(['--device', 'phone', '--verbose', 'sync'], 1);
    expect(first.stdout).toMatch(/failed 2/); // the two refused records
    expect(first.stdout).toMatch(/quarantined 4 \(malformed on the server, not applied\)/);
    expect(first.stdout).toMatch(
      /^ {2}quarantined: text_notes\/pii-bad-type: field type should be a string, is a number$/m,
    );
    const tabletFirst = JSON.parse(
      (await cli(['--device', 'tablet', '--json', 'sync'], 'any')).stdout,
    );
    expect(JSON.stringify(tabletFirst)).toMatch(/quarantined/);

    // A conflict: both devices edit the note offline, then sync one after the other.
    for (const [device, title] of [
      ['phone', CANARY.conflictPhone],
      ['tablet', CANARY.conflictTablet],
    ] as const) {
      const opened = await openDatabase(`sqlite:${deviceDatabasePath(dataDir, user, device)}`);
      try {
        await new LocalStore(opened.database, systemClock, user).update('text_notes', 'pii-note', {
          title,
        });
      } finally {
        await opened.close();
      }
    }
    await cli(['--device', 'phone', '--verbose', 'sync'], 'any');
    const conflict = await cli(
      ['--device', 'tablet', '--verbose', 'sync', '--strategy', 'merge'],
      'any',
    );
    expect(conflict.stdout).toMatch(/conflicts 1/);
    await cli(['--device', 'phone', '--json', 'sync'], 'any');

    const status = await cli(['--device', 'phone', '--json', 'status']);
    expect(status.stdout).toMatch(/document-too-large/); // the refusal is reported, by size
    await cli(['--device', 'phone', '--verbose', 'status']);
    await cli(['--device', 'tablet', 'status']);

    // A scenario whose expectation fails: the verdict names the field, not the values.
    const scenario = path.join(dataDir, 'pii.yaml');
    fs.writeFileSync(
      scenario,
      [
        'name: values stay out of verdicts',
        'seed: 1',
        'users:',
        `  - id: ${user}-scn`,
        '    devices: [phone]',
        'steps:',
        `  - create: { device: phone, collection: text_notes, id: n1, fields: { content: "${CANARY.scenarioWrote}", title: "${CANARY.scenarioWrote}" } }`,
        '  - sync: phone',
        'expect:',
        `  values: [{ collection: text_notes, id: n1, fields: { content: "${AUTHOR_EXPECTED}" } }]`,
        '',
      ].join('\n'),
    );
    const junit = path.join(dataDir, 'junit.xml');
    const verdict = await cli(['scenario', 'run', scenario, '--junit', junit], 1);
    // The server's value is described, never quoted; the author's expected value is quoted.
    expect(verdict.stdout).toMatch(
      /content is a string of \d+ characters \(#[0-9a-f]{6}\); the scenario expected "Canary-expected-Capybara" \(#[0-9a-f]{6}\)/,
    );
    outputs.push(fs.readFileSync(junit, 'utf8'));

    expect(outputs.join('').length).toBeGreaterThan(2_000); // there was output to scan
    expect(leaks(outputs)).toEqual([]);
  });
});
