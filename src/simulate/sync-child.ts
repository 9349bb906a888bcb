/**
 * One sync pass of a scenario device in a process of its own, so that the scenario `kill` step
 * can kill it for real (SIGKILL) at a named point: src/simulate/kill-pass.ts starts it.
 *
 * argv[2] is a JSON SyncChildConfig. The process opens the device's SQLite database (the parent
 * closed its own connection), wires the real SyncManager to the device's fault proxies (so its
 * network mode and link faults apply), runs one pass on a virtual clock that starts at the
 * scenario's time, prints JSON lines (`ready`, the phase markers of src/simulate/kill-switch.ts,
 * `done`) and exits 0 — unless it reached the aimed point and killed itself first.
 */
import { wireDevice } from '../adapters/device-wiring';
import { VirtualClock } from '../core/clock';
import { forkRandom } from '../core/random';
import type { Sdk } from '../core/sdk';
import { deviceSdk } from '../db/device-sdk';
import { openDatabase } from '../db/open-database';
import type { DataTable } from '../db/schema-current';
import type { ConflictStrategy, Decision } from '../sync/conflict-resolver';
import { type KillAim, KillSwitch, printLine } from './kill-switch';

export interface SyncChildConfig {
  databaseFile: string;
  userId: string;
  deviceId: string;
  projectId: string;
  /** The device's fault proxies (its network), not the emulators themselves. */
  firestore: string;
  storage: string | null;
  sdk: Sdk;
  /** The device's clock at the start of the pass (epoch ms). */
  nowMs: number;
  deadlineMs: number;
  /** One strategy, or one per collection (the scenario's `strategy` map). */
  strategy: ConflictStrategy | Partial<Record<DataTable, ConflictStrategy>>;
  /** What an ask-user conflict is answered with in this pass (none: it fails, as in-process). */
  askUser: Decision | null;
  /** What the device's network monitor says (a refused network: the pass does not start). */
  online: boolean;
  seed: number;
  killAt: KillAim;
}

async function main(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const config = JSON.parse(process.argv[2] ?? '{}') as SyncChildConfig;
  const kill = new KillSwitch(config.killAt);
  const opened = await openDatabase(`sqlite:${config.databaseFile}`);
  kill.instrumentSqlite();
  const sdk = await deviceSdk(opened.database, config.sdk);
  const wired = wireDevice({
    endpoints: {
      projectId: config.projectId,
      firestore: config.firestore,
      storage: config.storage ?? undefined,
      storageTimeoutMs: config.deadlineMs,
    },
    database: opened.database,
    deviceId: config.deviceId,
    sdk,
    userId: config.userId,
    deadlineMs: config.deadlineMs,
    wrapRemote: (remote) => kill.markedRemote(remote),
    withMedia: Boolean(config.storage),
    publicStorageEndpoint: config.storage ? `http://${config.storage}` : undefined,
    clock: new VirtualClock(config.nowMs),
    random: forkRandom(config.seed, 'kill-pass/retry-jitter'),
    strategy: config.strategy,
    decide: () => {
      if (config.askUser) return config.askUser;
      throw new Error('ask-user conflict in a killed pass and no askUserDefault');
    },
    network: { isOnline: () => config.online },
  });
  await wired.sync.initialize(config.userId);
  printLine({ ev: 'ready' });
  kill.mark('sync-start');
  const result = await wired.sync.syncAll();
  printLine({ ev: 'done', pushed: result.pushed, failed: result.failed, reached: kill.reached() });
  await opened.close();
  await wired.close();
}

// Calls abandoned when the pass ended (a black hole held them) reject once the client closes,
// with firebase-admin's CLIENT_TERMINATED message: harmless, as for in-process devices
// (src/scenario/guard-run.ts counts them). Left unhandled they ended this process with exit 1,
// which the parent took for a failed pass (a soak of seed 20261130, run 523). Others still fail it.
process.on('unhandledRejection', (reason) => {
  if (reason instanceof Error && reason.message === 'The client has already been terminated')
    return;
  process.stderr.write(`sync-child: unhandled rejection: ${(reason as Error)?.stack ?? reason}\n`);
  process.exit(1);
});

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`sync-child: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
