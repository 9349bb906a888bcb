import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-emulators.ts'],
    setupFiles: ['test/setup/network-guard.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: one for the Java emulator, so at most two test files run at once.
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: '.personalai-sync/test-results.json' }]],
  },
});
