/**
 * Which mode WatermelonDB runs in. Its development checks (invariants on every query, batch and
 * writer call, a `process.nextTick` check per prepared update, a slow-queue warning timer per
 * queued writer call) run wherever `process.env.NODE_ENV !== 'production'`; a release build of
 * the app has them compiled out. WatermelonDB reads `NODE_ENV` at each check (only its SQLite
 * adapter's devtools are chosen once, at load, and they cost nothing per call), so setting it
 * around the measured runs measures the engine as a release build runs it, in this process.
 */
export type WatermelonMode = 'release' | 'development';

/** The mode WatermelonDB's checks are in under this environment (pure). */
export function watermelonMode(env: NodeJS.ProcessEnv = process.env): WatermelonMode {
  return env.NODE_ENV === 'production' ? 'release' : 'development';
}

/**
 * Runs `work` with WatermelonDB in `mode` (NODE_ENV `production`, or `development`), then puts
 * NODE_ENV back as it was. Only for a process that runs nothing else meanwhile (the bench).
 */
export async function inWatermelonMode<T>(
  mode: WatermelonMode,
  work: () => Promise<T>,
): Promise<T> {
  const before = process.env.NODE_ENV;
  const sourceMaps = process.sourceMapsEnabled;
  process.env.NODE_ENV = mode === 'release' ? 'production' : 'development';
  // tsx turns on source maps, and firebase-admin and grpc-js read an Error's stack per commit and
  // per channel: mapped, that costs CPU a release build (compiled JavaScript) does not pay.
  if (mode === 'release') process.setSourceMapsEnabled(false);
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
    process.setSourceMapsEnabled(sourceMaps);
  }
}

/** How the report states the mode (the text report and RESULTS.md). */
export function modeText(mode: { watermelon: WatermelonMode; nodeEnv: string | null }): string {
  return mode.watermelon === 'release'
    ? `release mode (NODE_ENV=${mode.nodeEnv}: development checks off, no source maps, as a release build runs it)`
    : `development mode (NODE_ENV=${mode.nodeEnv ?? 'unset'}: development checks on, as the tests run it)`;
}
