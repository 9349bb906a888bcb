import { describe, expect, it } from 'vitest';
import { EndpointError, resolveEndpoints } from '../../src/emulators/endpoints';
import { useTempDir } from '../helpers/temp-dir';

/** Which running emulators a command attaches to (issue 18: STORAGE_EMULATOR_HOST was ignored). */
describe('resolveEndpoints', () => {
  const tempDir = useTempDir('endpoints-');
  const resolve = (env: NodeJS.ProcessEnv, flags: { storageFlag?: string } = {}) =>
    resolveEndpoints({ dataDir: tempDir(), env, projectId: 'demo-x', ...flags });

  it('attaches to STORAGE_EMULATOR_HOST (a URL, as @google-cloud/storage takes it)', () => {
    expect(resolve({ STORAGE_EMULATOR_HOST: 'http://127.0.0.1:9199' })).toMatchObject({
      storage: '127.0.0.1:9199',
      source: { storage: 'env' },
    });
    expect(resolve({ STORAGE_EMULATOR_HOST: 'localhost:9198/' }).storage).toBe('localhost:9198');
  });

  it('the flag, then FIREBASE_STORAGE_EMULATOR_HOST, win over it; nothing set starts one', () => {
    const env = {
      FIREBASE_STORAGE_EMULATOR_HOST: '127.0.0.1:9001',
      STORAGE_EMULATOR_HOST: 'http://127.0.0.1:9002',
    };
    expect(resolve(env).storage).toBe('127.0.0.1:9001');
    expect(resolve(env, { storageFlag: '127.0.0.1:9003' }).storage).toBe('127.0.0.1:9003');
    expect(resolve({})).toMatchObject({ storage: null, source: { storage: 'none' } });
  });

  it('a malformed value is refused with the form it takes', () => {
    expect(() => resolve({ STORAGE_EMULATOR_HOST: 'http://127.0.0.1' })).toThrow(EndpointError);
  });
});
