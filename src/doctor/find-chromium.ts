import fs from 'node:fs';

/**
 * The system's Chromium, for the tests that render HTML reports (playwright-core ships no
 * browser, and downloading one would leave loopback). CHROMIUM_PATH overrides.
 */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export type ChromiumLookup = { path: string } | { problem: string };

export function lookForChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) {
    return fs.existsSync(fromEnv)
      ? { path: fromEnv }
      : {
          problem: `CHROMIUM_PATH=${fromEnv} does not exist; fix or unset it (then \`apt-get install chromium\`).`,
        };
  }
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  if (found) return { path: found };
  return {
    problem:
      `No Chromium found (looked at ${CANDIDATES.join(', ')}). Install it with ` +
      '`apt-get install chromium` (Debian) or point CHROMIUM_PATH at a Chromium binary.',
  };
}
