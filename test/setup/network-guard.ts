import { afterAll, expect } from 'vitest';
import { installLoopbackGuard, violations } from './loopback-guard';

process.env.METADATA_SERVER_DETECTION = 'none';
installLoopbackGuard();

afterAll(() => {
  // A blocked connection may have been swallowed by a library's retry logic; still a failure.
  expect(violations, 'connections attempted off loopback').toEqual([]);
});
