import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLoopback, violations } from '../setup/loopback-guard';

describe('the loopback guard of the test setup', () => {
  it('blocks a connection off loopback (TEST-NET address) and records it', () => {
    const before = violations.length;
    expect(() => net.connect(80, '192.0.2.1')).toThrow(
      /loopback guard: blocked a connection to 192\.0\.2\.1:80/,
    );
    expect(violations.length).toBe(before + 1);
    violations.splice(before, 1); // this one was on purpose
  });

  it('lets loopback addresses through', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.8.9.10', undefined]) {
      expect(isLoopback(host)).toBe(true);
    }
    for (const host of [
      '169.254.169.254',
      'metadata.google.internal',
      'firebasestorage.googleapis.com',
      '10.0.0.1',
    ]) {
      expect(isLoopback(host)).toBe(false);
    }
  });
});
