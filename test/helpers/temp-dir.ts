import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temporary folder per test, removed after it. */
export function useTempDir(prefix = 'personalai-test-'): () => string {
  let dir: string | null = null;
  afterEach(() => {
    // Forgotten first: if removing fails (ENOTEMPTY while a closing LokiJS database still writes
    // its file, seen on a loaded machine), the next test still gets a folder of its own rather
    // than this one with its databases in it.
    const old = dir;
    dir = null;
    if (old) fs.rmSync(old, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });
  return () => {
    dir ??= fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    return dir;
  };
}
