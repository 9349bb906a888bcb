import { describe, expect, it } from 'vitest';
import {
  diskCheck,
  doctorExitCode,
  emulatorVariableCheck,
  javaCheck,
  javaMajor,
  nodeCheck,
} from '../../src/doctor/verdicts';

describe('doctor verdicts', () => {
  it('reads java -version of modern and old Javas', () => {
    expect(javaMajor('openjdk version "17.0.9" 2023-10-17\nOpenJDK Runtime')).toBe(17);
    expect(javaMajor('java version "1.8.0_392"')).toBe(8);
    expect(javaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(javaMajor('garbage')).toBeNull();
  });

  it('fails an old or missing Java and an old Node, with what to do', () => {
    expect(javaCheck('openjdk version "17.0.9"').status).toBe('ok');
    expect(javaCheck('java version "1.8.0_392"')).toMatchObject({
      status: 'fail',
      detail: 'Java 8 (17 or newer needed)',
    });
    expect(javaCheck(null)).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/openjdk-17/),
    });
    expect(nodeCheck('20.20.2').status).toBe('ok');
    expect(nodeCheck('18.19.0')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/20/),
    });
  });

  it('refuses an emulator variable off loopback and ignores an unset one', () => {
    expect(emulatorVariableCheck('FIRESTORE_EMULATOR_HOST', undefined)).toBeNull();
    expect(emulatorVariableCheck('FIRESTORE_EMULATOR_HOST', '127.0.0.1:8080')?.status).toBe('ok');
    expect(emulatorVariableCheck('STORAGE_EMULATOR_HOST', 'http://localhost:9199')?.status).toBe(
      'ok',
    );
    expect(emulatorVariableCheck('FIRESTORE_EMULATOR_HOST', '10.0.0.5:8080')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/loopback/),
    });
  });

  it('warns on little disk space and fails on almost none; warnings alone exit 0', () => {
    expect(diskCheck('/d', 10 * 2 ** 30).status).toBe('ok');
    expect(diskCheck('/d', 2 ** 30).status).toBe('warn');
    expect(diskCheck('/d', 2 ** 20).status).toBe('fail');
    const ok = { name: 'a', status: 'ok' as const, detail: '' };
    expect(doctorExitCode([ok, { ...ok, status: 'warn' }])).toBe(0);
    expect(doctorExitCode([ok, { ...ok, status: 'fail' }])).toBe(3);
  });
});
