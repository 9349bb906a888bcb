import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { forkRandom } from '../../src/core/random';
import { openDatabase } from '../../src/db/open-database';
import { DATA_TABLES } from '../../src/db/schema-current';
import { LOCAL_ONLY } from '../../src/judge/columns';
import { judgeRun } from '../../src/judge/judge-run';
import { onJsonLines, spawnTsChild } from '../../src/simulate/child-process';
import { testClients, testEndpoints, uniqueUserId } from '../helpers/backend';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Crash safety: a device process is killed with SIGKILL at random moments of its life (local
 * writes, pulls, pushes, settling, inside SQLite transactions) at least 50 times, restarted each
 * time, and judged from outside:
 *   - after every kill: the database passes `PRAGMA integrity_check`, every local write the
 *     device reported committed is there exactly, and the one write in flight when it died (if
 *     any) is there entirely or not at all;
 *   - at the end (after a restart that syncs until nothing is pending): WatermelonDB opens the
 *     database, its records equal the reduction of the acknowledged writes, the server holds
 *     exactly the same records and values (no duplicate, no document for a record never created,
 *     tombstones or nothing for deleted ones), and nothing is queued or left `syncing`.
 * CRASH_SEED and CRASH_CYCLES replay or extend a run.
 */
const SEED = Number(process.env.CRASH_SEED ?? 20_261_125);
// CI runs 30 cycles (the suite's time bound); CRASH_CYCLES=200 explores further.
const CYCLES = Number(process.env.CRASH_CYCLES ?? 30);
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'crash-device.ts');
const TABLES = ['text_notes', 'health_data'] as const;
type Table = (typeof TABLES)[number];
type Row = Record<string, unknown>;
/** All a tombstone may hold: the owner (for other devices' pull query) and the sync metadata. */
const TOMBSTONE_FIELDS = new Set(['user_id', '_server_time', '_device', '_deleted', '_ft']);
type Values = Record<string, unknown>;

interface DeviceEvent {
  ev: string;
  at?: string;
  w?: number;
  op?: 'create' | 'update' | 'delete';
  table?: Table;
  id?: string;
  rows?: Array<{ id: string; values?: Values } & Values>;
  changes?: Values;
  [key: string]: unknown;
}

type KillPlan =
  | { kind: 'timed'; afterWarmMs: number }
  | { kind: 'events'; count: number }
  | { kind: 'startup'; afterSpawnMs: number }
  | { kind: 'aimed'; at: string; nth: number; delayMs: number };

interface ChildRun {
  events: DeviceEvent[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
  selfKilled: boolean;
  fallbackKill: boolean;
}

/** Where aimed kills go (settling and SQLite transactions twice as often: the narrowest windows). */
const AIMS = [
  'commit-sent',
  'commit-acked',
  'commit-acked',
  'pull-page',
  'sql-in-transaction',
  'sql-in-transaction',
  'sync-start',
  'write-intent',
  'write-committed',
] as const;

function planKill(random: () => number): KillPlan {
  const roll = random();
  if (roll < 0.25) return { kind: 'timed', afterWarmMs: Math.floor(random() * 900) };
  if (roll < 0.45) return { kind: 'events', count: 1 + Math.floor(random() * 60) };
  if (roll < 0.52) return { kind: 'startup', afterSpawnMs: 200 + Math.floor(random() * 1800) };
  const at = AIMS[Math.floor(random() * AIMS.length)];
  const nth = 1 + Math.floor(random() * (at === 'sql-in-transaction' ? 12 : 4));
  const delayMs = random() < 0.5 ? 0 : 1 + Math.floor(random() * 6);
  return { kind: 'aimed', at, nth, delayMs };
}

/**
 * Runs the device until it dies. Times count from its first finished sync pass ("warm": a fresh
 * process spends its first second or so setting up gRPC inside the first pull, longer on a
 * loaded 2-core machine); an aimed kill that has not happened `warmLimitMs` after that, or
 * `hardLimitMs` after `ready`, becomes a parent kill.
 */
function runDevice(
  config: Record<string, unknown>,
  plan: KillPlan | null,
  { warmLimitMs, hardLimitMs }: { warmLimitMs: number; hardLimitMs: number },
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawnTsChild(FIXTURE, config);
    const run: ChildRun = {
      events: [],
      signal: null,
      code: null,
      stderr: '',
      selfKilled: false,
      fallbackKill: false,
    };
    let afterReady = 0;
    const timers: NodeJS.Timeout[] = [];
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const fallback = () => {
      run.fallbackKill = true;
      kill();
    };
    timers.push(setTimeout(fallback, 30_000 + hardLimitMs));
    let warm = false;
    if (plan?.kind === 'startup') timers.push(setTimeout(kill, plan.afterSpawnMs));
    onJsonLines(
      child.stdout,
      (line) => {
        const event = line as DeviceEvent;
        run.events.push(event);
        if (event.ev === 'self-kill') run.selfKilled = true;
        if (event.ev === 'ready') {
          timers.push(setTimeout(fallback, hardLimitMs));
        } else {
          if (!warm && event.ev === 'mark' && event.at === 'sync-end') {
            warm = true;
            timers.push(setTimeout(fallback, warmLimitMs));
            if (plan?.kind === 'timed') timers.push(setTimeout(kill, plan.afterWarmMs));
          }
          afterReady += 1;
          if (plan?.kind === 'events' && afterReady === plan.count) kill();
        }
      },
      (line) => {
        reject(new Error(`crash-device printed a line that is not JSON: ${line}`));
        kill();
      },
    );
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      run.stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const timer of timers) clearTimeout(timer);
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

/** Where the device was when it died, from the last markers it printed. */
function phaseAtDeath(run: ChildRun, plan: KillPlan): string {
  if (run.selfKilled && plan.kind === 'aimed') {
    const names: Record<string, string> = {
      'commit-sent': 'push: commit in flight',
      'commit-acked': 'push: acknowledged, settling (lost ack)',
      'pull-page': 'pull: applying a page',
      'sql-in-transaction': 'inside a SQLite transaction',
      'sync-start': 'sync pass starting',
      'write-intent': 'local write starting',
      'write-committed': 'local write committed, not yet acknowledged',
      'schema-setup': 'first launch: inside the schema setup',
    };
    const detail = run.events.find((e) => e.ev === 'self-kill')?.detail;
    const where = plan.at === 'sql-in-transaction' && plan.delayMs === 0 ? ` (${detail})` : '';
    return `${names[plan.at]}${where}${plan.delayMs > 0 ? ' (+delay)' : ''}`;
  }
  if (!run.events.some((e) => e.ev === 'ready')) return 'startup (before ready)';
  const marks = run.events.filter((e) => e.ev === 'mark');
  const last = marks[marks.length - 1]?.at;
  const names: Record<string, string> = {
    'sync-start': 'pull: starting',
    'pull-request': 'pull: request in flight',
    'pull-page': 'pull: applying a page',
    'commit-sent': 'push: commit in flight',
    'commit-acked': 'push: settling',
    'sync-end': 'between sync passes',
  };
  return last ? names[last] : 'ready, before the first sync';
}

/** The synced columns of a raw row (the judge's own notion: everything not local-only). */
function syncedValues(row: Row): Values {
  return Object.fromEntries(Object.entries(row).filter(([column]) => !LOCAL_ONLY.has(column)));
}

function readLocal(file: string): {
  integrity: string;
  rows: Map<string, Row>;
  queue: Row[];
} {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join('; ');
    const rows = new Map<string, Row>();
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Row[];
    if (tables.length === 0) return { integrity, rows, queue: [] }; // never set up (first launch)
    for (const table of TABLES) {
      for (const row of db.prepare(`select * from "${table}"`).all() as Row[]) {
        if (row._status === 'deleted') continue; // WatermelonDB's soft delete (not used here)
        rows.set(`${table}/${row.id as string}`, row);
      }
    }
    const queue = db.prepare('select * from sync_queue').all() as Row[];
    return { integrity, rows, queue };
  } finally {
    db.close();
  }
}

function sameValues(a: Values, b: Values): string[] {
  const columns = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...columns].filter((c) => !Object.is(a[c] ?? null, b[c] ?? null));
}

/**
 * The judge's model of the device: the reduction of every write it acknowledged (plus the in-
 * flight writes found applied after a kill), and every id ever created or deleted.
 */
class Ledger {
  readonly records = new Map<string, Values>();
  readonly created = new Set<string>();
  readonly deleted = new Set<string>();
  acked = 0;
  maybeApplied = 0;
  maybeAbsent = 0;
  readonly problems: string[] = [];

  apply(intent: DeviceEvent, ack: DeviceEvent): void {
    this.acked += 1;
    const table = ack.table!;
    if (ack.op === 'create') {
      const intended = intent.rows!;
      if (ack.rows!.length !== intended.length)
        this.problems.push(
          `create w${ack.w}: ${ack.rows!.length}/${intended.length} rows read back`,
        );
      for (const row of intended) {
        const back = ack.rows!.find((r) => r.id === row.id);
        if (!back) continue;
        const { id: _id, ...want } = row;
        const off = Object.keys(want).filter((c) => !Object.is(want[c], back.values![c]));
        if (off.length > 0)
          this.problems.push(`create ${table}/${row.id}: read back differs in ${off.join(', ')}`);
        this.setCreated(table, row.id, back.values!);
      }
    } else if (ack.op === 'update') {
      const key = `${table}/${intent.id}`;
      const before = this.records.get(key);
      const after = ack.rows![0]?.values;
      if (!before || !after) {
        this.problems.push(`update ${key}: record unknown to the ledger or not read back`);
        return;
      }
      const off = sameValues({ ...before, ...intent.changes }, after).filter(
        (c) => c !== 'updated_at',
      );
      if (off.length > 0) this.problems.push(`update ${key}: read back differs in ${off}`);
      this.records.set(key, after);
    } else {
      const key = `${table}/${intent.id}`;
      if (!this.records.delete(key)) this.problems.push(`delete ${key}: unknown to the ledger`);
      this.deleted.add(key);
    }
  }

  private setCreated(table: Table, id: string, values: Values): void {
    const key = `${table}/${id}`;
    this.records.set(key, values);
    this.created.add(key);
  }

  /** The write in flight when the process died: all or nothing, decided from the database. */
  resolveInFlight(intent: DeviceEvent, local: Map<string, Row>): string {
    const table = intent.table!;
    if (intent.op === 'create') {
      const present = intent.rows!.filter((r) => local.has(`${table}/${r.id}`));
      if (present.length === 0) {
        this.maybeAbsent += 1;
        return 'not applied';
      }
      if (present.length !== intent.rows!.length) {
        this.problems.push(
          `create w${intent.w}: partly applied (${present.length}/${intent.rows!.length} rows)`,
        );
        return 'partial';
      }
      for (const row of intent.rows!) {
        const values = syncedValues(local.get(`${table}/${row.id}`)!);
        const { id: _id, ...want } = row;
        const off = Object.keys(want).filter((c) => !Object.is(want[c], values[c]));
        if (off.length > 0)
          this.problems.push(`create ${table}/${row.id} in flight: differs in ${off.join(', ')}`);
        this.setCreated(table, row.id, values);
      }
      this.maybeApplied += 1;
      return 'applied';
    }
    const key = `${table}/${intent.id}`;
    const before = this.records.get(key);
    const row = local.get(key);
    if (intent.op === 'delete') {
      if (!row) {
        this.records.delete(key);
        this.deleted.add(key);
        this.maybeApplied += 1;
        return 'applied';
      }
      this.maybeAbsent += 1;
      return 'not applied';
    }
    if (!before || !row) {
      this.problems.push(`update ${key} in flight: record missing (ledger or database)`);
      return 'broken';
    }
    const now = syncedValues(row);
    if (sameValues(before, now).length === 0) {
      this.maybeAbsent += 1;
      return 'not applied';
    }
    const off = sameValues({ ...before, ...intent.changes }, now).filter((c) => c !== 'updated_at');
    if (off.length > 0) {
      this.problems.push(`update ${key} in flight: neither before nor after (${off.join(', ')})`);
      return 'partial';
    }
    this.records.set(key, now);
    this.maybeApplied += 1;
    return 'applied';
  }

  /** Differences between the database and the ledger. */
  compare(local: Map<string, Row>): string[] {
    const out: string[] = [];
    for (const [key, values] of this.records) {
      const row = local.get(key);
      if (!row) out.push(`${key}: acknowledged, missing in the database`);
      else {
        const off = sameValues(values, syncedValues(row));
        if (off.length > 0) out.push(`${key}: database differs in ${off.join(', ')}`);
      }
    }
    for (const key of local.keys())
      if (!this.records.has(key)) out.push(`${key}: in the database, never acknowledged`);
    return out;
  }
}

describe('crash safety (SIGKILL during sync)', () => {
  const tempDir = useTempDir('personalai-crash-');
  const clients = testClients('crash-judge');
  afterAll(() => clients.close());

  it(`loses and duplicates nothing across ${CYCLES} kills (seed ${SEED})`, async () => {
    process.stderr.write(
      `[crash-safety] CRASH_SEED=${SEED} CRASH_CYCLES=${CYCLES} (set both to replay)\n`,
    );
    const started = Date.now();
    const endpoints = testEndpoints();
    const userId = uniqueUserId('crash');
    const deviceId = 'crash-phone';
    const file = path.join(tempDir(), `${deviceId}.db`);
    const base = {
      db: file,
      userId,
      deviceId,
      projectId: endpoints.projectId,
      firestore: endpoints.firestore,
      seed: SEED,
    };
    const random = forkRandom(SEED, 'crash-safety-kills');
    const ledger = new Ledger();
    const phases = new Map<string, number>();
    const inFlight = new Map<string, number>();
    const fail = (cycle: number, what: string, details: string[]) => {
      expect
        .soft(details, `cycle ${cycle} (CRASH_SEED=${SEED} CRASH_CYCLES=${CYCLES}): ${what}`)
        .toEqual([]);
    };

    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      // The first launch always dies inside WatermelonDB's schema setup (a phone killed while the
      // app opens for the first time); the next launch must set the database up from scratch.
      const plan: KillPlan =
        cycle === 0 ? { kind: 'aimed', at: 'schema-setup', nth: 1, delayMs: 0 } : planKill(random);
      const killAt =
        plan.kind === 'aimed' ? { at: plan.at, nth: plan.nth, delayMs: plan.delayMs } : null;
      const run = await runDevice({ ...base, run: cycle, killAt }, plan, {
        warmLimitMs: 1_500,
        hardLimitMs: 20_000,
      });
      if (run.signal !== 'SIGKILL') {
        throw new Error(
          `cycle ${cycle}: the device exited by itself (code ${run.code}):\n${run.stderr}`,
        );
      }
      const phase = run.fallbackKill
        ? `fallback kill (${phaseAtDeath(run, plan)})`
        : phaseAtDeath(run, plan);
      phases.set(phase, (phases.get(phase) ?? 0) + 1);

      // Replay the device's acknowledged writes; at most one write can be in flight.
      let pending: DeviceEvent | null = null;
      for (const event of run.events) {
        if (event.ev === 'intent') {
          if (pending) ledger.problems.push(`cycle ${cycle}: two writes in flight`);
          pending = event;
        } else if (event.ev === 'ack') {
          if (!pending || pending.w !== event.w) {
            ledger.problems.push(`cycle ${cycle}: ack w${event.w} without its intent`);
            continue;
          }
          ledger.apply(pending, event);
          pending = null;
        }
      }
      if (!fs.existsSync(file)) {
        expect(ledger.records.size, `cycle ${cycle}: no database, yet writes acknowledged`).toBe(0);
        continue;
      }
      const local = readLocal(file);
      expect(local.integrity, `cycle ${cycle}: integrity_check`).toBe('ok');
      if (pending) {
        const outcome = ledger.resolveInFlight(pending, local.rows);
        const key = `${pending.op} ${outcome}`;
        inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      }
      fail(cycle, 'ledger problems', ledger.problems.splice(0));
      fail(cycle, 'database vs acknowledged writes', ledger.compare(local.rows));
    }

    // Restart once more without writes and sync until nothing is pending.
    const drain = await runDevice({ ...base, run: CYCLES, drain: true }, null, {
      warmLimitMs: 120_000,
      hardLimitMs: 120_000,
    });
    const drained = drain.events.some((e) => e.ev === 'drained' && e.clean === true);
    expect(
      drained && drain.code === 0,
      `the last restart did not drain: ${JSON.stringify(drain.events.filter((e) => e.ev === 'drain-pass'))}\n${drain.stderr}`,
    ).toBe(true);

    // (a) the database opens cleanly: SQLite's own check, then WatermelonDB.
    const local = readLocal(file);
    expect(local.integrity).toBe('ok');
    // (b) every acknowledged write is reflected, nothing else.
    expect(ledger.compare(local.rows), 'final database vs acknowledged writes').toEqual([]);
    // (d) nothing queued, nothing left syncing or pending.
    expect(local.queue).toEqual([]);
    const unsynced = [...local.rows].filter(([, row]) => row.sync_status !== 'synced');
    expect(unsynced.map(([key, row]) => `${key}: ${row.sync_status}`)).toEqual([]);

    // (c) the server holds exactly the device's records: no duplicate, no stranger, tombstones.
    const serverProblems: string[] = [];
    let tombstones = 0;
    let liveDocs = 0;
    for (const table of DATA_TABLES) {
      const snapshot = await clients.firestore
        .collection(table)
        .where('user_id', '==', userId)
        .get();
      for (const doc of snapshot.docs) {
        const key = `${table}/${doc.id}`;
        const data = doc.data();
        if (!ledger.created.has(key)) serverProblems.push(`${key}: on the server, never created`);
        if (data._device !== deviceId) serverProblems.push(`${key}: _device is ${data._device}`);
        if (data._deleted === true) {
          tombstones += 1;
          const left = Object.keys(data).filter((f) => !TOMBSTONE_FIELDS.has(f));
          if (left.length > 0) serverProblems.push(`${key}: tombstone keeps ${left.join(', ')}`);
          if (!ledger.deleted.has(key) || ledger.records.has(key))
            serverProblems.push(`${key}: tombstone of a record that is alive`);
          continue;
        }
        liveDocs += 1;
        const values = ledger.records.get(key);
        if (!values) {
          serverProblems.push(`${key}: live on the server, deleted or never acknowledged`);
          continue;
        }
        const fields = Object.fromEntries(
          Object.entries(data).filter(
            ([f]) => !['_server_time', '_device', '_deleted', '_ft'].includes(f),
          ),
        );
        const off = sameValues(values, fields);
        if (off.length > 0) serverProblems.push(`${key}: server differs in ${off.join(', ')}`);
      }
    }
    for (const key of ledger.records.keys()) {
      const [table, id] = key.split('/');
      const doc = await clients.firestore.collection(table).doc(id).get();
      if (!doc.exists || doc.data()?._deleted === true)
        serverProblems.push(`${key}: on the device, not live on the server`);
    }
    // Every deleted record has its tombstone (the engine pushes one even for a record deleted
    // before it ever reached the server: create + delete coalesce into a tombstone create).
    for (const key of ledger.deleted) {
      const [table, id] = key.split('/');
      const doc = await clients.firestore.collection(table).doc(id).get();
      if (doc.data()?._deleted !== true) serverProblems.push(`${key}: deleted, no tombstone`);
    }
    expect(serverProblems).toEqual([]);
    expect(liveDocs).toBe(ledger.records.size);
    expect(tombstones).toBe(ledger.deleted.size);

    // (a) WatermelonDB opens it, and the scenario judge agrees (converged, drained).
    const opened = await openDatabase(`sqlite:${file}`);
    try {
      for (const table of TABLES) {
        const count = await opened.database.get(table).query().fetchCount();
        expect(count).toBe(
          [...ledger.records.keys()].filter((k) => k.startsWith(`${table}/`)).length,
        );
      }
      const verdict = await judgeRun({
        userId,
        devices: [{ deviceId, databaseFile: file }],
        firestore: clients.firestore,
        bucket: null,
      });
      expect(verdict.violations).toEqual([]);
    } finally {
      await opened.close();
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const table = [...phases].sort((a, b) => b[1] - a[1]).map(([p, n]) => `  ${n} × ${p}`);
    const flights = [...inFlight].map(([p, n]) => `${n} × ${p}`).join(', ');
    process.stderr.write(
      `[crash-safety] ${CYCLES} kills in ${seconds} s (seed ${SEED}); where they landed:\n${table.join('\n')}\n` +
        `[crash-safety] writes acknowledged ${ledger.acked}; in flight at a kill: ${flights || 'none'}; ` +
        `records ${ledger.records.size}, deleted ${ledger.deleted.size} (tombstones ${tombstones})\n`,
    );
  }, 900_000);
});
