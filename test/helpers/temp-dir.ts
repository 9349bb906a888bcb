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
    // Retries back off linearly (0.2 s, 0.4 s, … about 11 s in all): on a slow machine a file
    // written as a database closes can land while the folder is being removed.
    if (old) fs.rmSync(old, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });
  return () => {
    dir ??= fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    return dir;
  };
}
