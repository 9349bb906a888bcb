import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { wireDevice } from '../../src/adapters/device-wiring';
import { buildProgram } from '../../src/cli/main';
import { type OpenedDatabase, openDatabase } from '../../src/db/open-database';
import { DEFECT_NAMES, DEFECTS, parseDefectNames } from '../../src/sync/defects';
import { testEndpoints } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The defect zoo (src/sync/defects.ts) is for tests only: its table is complete, unknown names
 * are refused with the zoo listed, a device is never wired with defects outside the emulators,
 * and no command but `scenario run|fuzz|detect` can switch one on.
 */
describe('defect zoo', () => {
  const tempDir = useTempDir('defect-zoo-');
  let opened: OpenedDatabase | null = null;
  afterEach(async () => {
    await opened?.close();
    opened = null;
  });

  it('has at least 14 defects, the app’s eight among them, each saying what goes wrong and what catches it', () => {
    expect(DEFECT_NAMES.length).toBeGreaterThanOrEqual(14);
    for (const name of [
      'push-only',
      'lost-update',
      'blind-overwrite',
      'client-clock',
      'deletes-never-sync',
      'states-never-set',
      'serial-and-slow',
      'ask-user-throws',
      'late-write-race',
      'echo-as-conflict',
      'stale-queue-base',
      'settle-drops-field',
      'tombstone-purged-early',
    ])
      expect(DEFECT_NAMES).toContain(name);
    for (const info of Object.values(DEFECTS)) {
      expect(info.what.length).toBeGreaterThan(10);
      expect(info.caught.length).toBeGreaterThan(3);
    }
  });

  it('refuses unknown names and lists the zoo', () => {
    expect(parseDefectNames(['push-only', 'push-only'])).toEqual(['push-only']);
    expect(() => parseDefectNames(['push-only', 'no-such-bug'])).toThrow(
      /Unknown defect "no-such-bug"\. The zoo has: push-only, lost-update, .*own-echo-differs/,
    );
  });

  it('wireDevice refuses defects unless the target is an emulator (demo-) project', async () => {
    opened = await openDatabase(`sqlite:${path.join(tempDir(), 'd.db')}`);
    const defects = new Set(parseDefectNames(['lost-update']));
    const base = { database: opened.database, deviceId: 'phone', defects };
    expect(() =>
      wireDevice({
        ...base,
        endpoints: { kind: 'production', projectId: 'personalai-prod', bucket: null },
      }),
    ).toThrow(
      /Refusing to wire a device with test defects \(lost-update\) against project "personalai-prod"/,
    );
    expect(() =>
      wireDevice({
        ...base,
        endpoints: { projectId: 'personalai-prod', firestore: '127.0.0.1:1' },
      }),
    ).toThrow(/defects are for emulator \(demo-\) projects only/);
    // The same defects against the test emulator are wired (and the device closes cleanly).
    const wired = wireDevice({ ...base, endpoints: testEndpoints() });
    await wired.close();
  });

  it('only scenario run, fuzz and detect can switch a defect on (sync, run, watch cannot)', () => {
    const program = buildProgram();
    const withInject: string[] = [];
    const visit = (command: typeof program, prefix: string) => {
      for (const sub of command.commands) {
        const name = `${prefix}${sub.name()}`;
        if (sub.options.some((o) => o.long === '--inject' || o.long === '--defects'))
          withInject.push(name);
        visit(sub, `${name} `);
      }
    };
    visit(program, '');
    expect(withInject.sort()).toEqual(['scenario detect', 'scenario fuzz', 'scenario run']);
  });
});
