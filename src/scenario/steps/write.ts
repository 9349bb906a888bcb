import os from 'node:os';
import { z } from 'zod';
import { forkRandom, type Random } from '../../core/random';
import type { Ledger, LedgerWrite } from '../../judge/ledger';
import { DataGenerator } from '../../simulate/data-generator';
import {
  ADMIN_BATCH_LIMIT,
  CLIENT_BATCH_LIMIT,
  type CommitResult,
  type OtherWriters,
  type WriterSdk,
} from '../../simulate/other-writer';
import {
  recordValues,
  WRITER_FORMATS,
  WRITER_TABLES,
  type WriterDocument,
  type WriterFormat,
  type WriterTable,
  writerDocument,
} from '../../simulate/writer-documents';
import { Duration, formatMs, Name, Rate } from './fields';
import { defineStep, type FuzzWorld } from './step-kind';

/**
 * The `write` step: another writer (the Firebase JS SDK as the user, or firebase-admin) puts new
 * records of one user on the server, generated from the seed. Every document goes in the ledger
 * when it is made (so the judge knows who created it) and is acknowledged when its commit
 * returns. `wait: false` starts the commit and returns at once: the scenario goes on (devices
 * sync) while the server is still processing it; the runner awaits it before the heal. A commit
 * that fails is reported (and judged), never thrown: the run goes on.
 */
export interface OtherWriteReport {
  step: number;
  user: string;
  as: WriterSdk;
  format: WriterFormat;
  collection: WriterTable;
  documents: number;
  commits: number;
  waited: boolean;
  /** Virtual time at which the step started. */
  atMs: number;
  /** Real time from the first commit sent to the last one returned. */
  wallMs: number | null;
  /** How long before it became visible the first document was stamped (`_server_time`). */
  stampLeadMs: number | null;
  error: string | null;
}

const WriteBody = z
  .strictObject({
    /** Whose data (a user of the scenario); may be left out when there is one user. */
    user: Name.optional(),
    /** client: the Firebase JS SDK as the user, rules enforced; admin: firebase-admin, no rules. */
    as: z.enum(['client', 'admin']).default('client'),
    collection: z.enum(WRITER_TABLES).default('health_data'),
    count: z.number().int().min(1).max(ADMIN_BATCH_LIMIT).default(1),
    /** wire: the engine's format; original: the app's set(merge) of the fields; malformed. */
    format: z.enum(WRITER_FORMATS).default('wire'),
    /** one: every document in one commit (one update time); each: a commit per document. */
    commit: z.enum(['one', 'each']).default('one'),
    /** Spread over virtual time at this rate, committed as they come due (background sync runs). */
    rate: Rate.optional(),
    /** false: the commit starts and the scenario goes on; it is awaited before the heal. */
    wait: z.boolean().default(true),
    /**
     * With wait: false, real time the commit runs before the scenario goes on (the server must
     * have begun processing it, and stamped it, before what follows: about a second for a
     * 500-write client batch here, whose rules then take seconds more).
     */
    headStart: Duration.default(0),
  })
  .superRefine((w, ctx) => {
    if (w.as === 'client' && w.format !== 'wire')
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message: `firestore.rules refuse ${w.format} documents from a client; write them as: admin`,
      });
    if (w.as === 'client' && w.commit === 'one' && w.count > CLIENT_BATCH_LIMIT)
      ctx.addIssue({
        code: 'custom',
        path: ['count'],
        message: `a client WriteBatch holds at most ${CLIENT_BATCH_LIMIT} writes; use as: admin for a bigger single commit`,
      });
    if (w.headStart > 0 && w.wait)
      ctx.addIssue({
        code: 'custom',
        path: ['headStart'],
        message: 'a head start is for a write not waited for (wait: false)',
      });
    if (w.rate !== undefined && !w.wait)
      ctx.addIssue({
        code: 'custom',
        path: ['wait'],
        message: 'a write with a rate runs while time passes; it cannot also run in the background',
      });
  });
type WriteSpec = z.output<typeof WriteBody>;

export const write = defineStep({
  name: 'write',
  body: WriteBody,
  async run(world, spec, index) {
    const user = world.users.find((u) => u.name === (spec.user ?? world.users[0].name))!;
    return runWriteStep({
      spec,
      index,
      seed: world.seed,
      user: { name: user.name, realId: user.realId },
      writers: world.writers,
      ledger: world.ledger,
      now: () => world.now(),
      at: () => world.at(),
      passTime: async (ms, onTick) => {
        await world.passTime(ms, onTick);
      },
      reports: world.otherWrites,
      inFlight: world.inFlight,
    });
  },
  describe(w) {
    const how = [
      w.format === 'wire' ? '' : ` ${w.format}`,
      w.commit === 'one' ? (w.count > 1 ? ' in one commit' : '') : ' one commit each',
      w.rate ? ` at ${+(w.rate * 60_000).toFixed(2)}/min` : '',
      w.wait
        ? ''
        : `, not waited for${w.headStart ? ` (head start ${formatMs(w.headStart)})` : ''}`,
    ].join('');
    return `write ${w.count}${how} ${w.collection} as ${w.as}${w.user ? ` for ${w.user}` : ''}`;
  },
  fuzzActor: { stream: 'writers', insert: insertOtherWriters },
});

/**
 * The other-writer actor: in half the runs, one or two `write` steps at random places (a client
 * of the user with the rules enforced, or firebase-admin; in bulk, one by one, at a rate, or in
 * the background while the devices go on). Drawn from a stream of their own and inserted into
 * the steps drawn before, so every run's device steps stay what they were before this actor.
 */
function insertOtherWriters(fuzz: FuzzWorld, random: Random): void {
  const { steps, withSecondUser } = fuzz;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (random() >= 0.5) return;
  const count = random() < 0.3 ? 2 : 1;
  for (let n = 0; n < count; n += 1) {
    const as = random() < 0.7 ? 'client' : 'admin';
    const body: Record<string, unknown> = {
      user: withSecondUser && random() < 0.2 ? 'other' : 'fuzz',
      as,
      collection: pick(WRITER_TABLES),
      format: as === 'client' ? 'wire' : pick(['wire', 'wire', 'original', 'malformed']),
    };
    if (random() < 0.15) {
      Object.assign(body, { count: 2 + Math.floor(random() * 11), rate: '6/h' });
    } else {
      const bulk = as === 'client' ? [1, 20, 100, 300] : [1, 50, 1000];
      const each = random() < 0.15;
      Object.assign(body, {
        count: each ? Math.min(20, pick(bulk)) : pick(bulk),
        commit: each ? 'each' : 'one',
      });
      if (random() < 0.6) Object.assign(body, { wait: false, headStart: pick([0, '1s', '2s']) });
    }
    steps.splice(Math.floor(random() * (steps.length + 1)), 0, { write: body });
  }
}

export interface WriteStepContext {
  spec: WriteSpec;
  index: number;
  seed: number;
  user: { name: string; realId: string };
  writers: OtherWriters;
  ledger: Ledger;
  /** The scenario clock (epoch ms) and the step's offset from the start. */
  now(): number;
  at(): number;
  passTime(ms: number, onTick?: (elapsed: number) => Promise<void>): Promise<void>;
  reports: OtherWriteReport[];
  inFlight: Array<Promise<void>>;
}

export async function runWriteStep(ctx: WriteStepContext): Promise<undefined> {
  const { spec, index, user } = ctx;
  const random = forkRandom(ctx.seed, `write/${index}/${user.name}`);
  const generator = new DataGenerator({
    seed: Math.floor(random() * 2 ** 31),
    mediaDir: os.tmpdir(), // writer collections have no files; nothing is written there
  });
  const report: OtherWriteReport = {
    step: index,
    user: user.name,
    as: spec.as,
    format: spec.format,
    collection: spec.collection,
    documents: 0,
    commits: 0,
    waited: spec.wait,
    atMs: ctx.at(),
    wallMs: null,
    stampLeadMs: null,
    error: null,
  };
  ctx.reports.push(report);

  const make = async (first: number, count: number) => {
    const docs: WriterDocument[] = [];
    const entries: LedgerWrite[] = [];
    for (let n = first; n < first + count; n += 1) {
      const now = ctx.now();
      const values = recordValues(
        spec.collection,
        await generator.record(spec.collection, now),
        user.realId,
        now,
      );
      const doc = writerDocument({
        table: spec.collection,
        id: `w${index + 1}-${user.name}-${n}`,
        values,
        format: spec.format,
        writerId: `writer.${spec.as}`,
        sentinels: ctx.writers.sentinels(spec.as),
        index: n,
      });
      docs.push(doc);
      entries.push(
        ctx.ledger.addExternal({
          step: index,
          user: user.name,
          device: `writer (${spec.as})`,
          table: spec.collection,
          id: doc.id,
          kind: 'create',
          fields: doc.fields,
          format: spec.format,
        }),
      );
    }
    return { docs, entries };
  };

  /**
   * Opens the writer (awaited: a client warms up), then starts the commit and hands it back in
   * a box (an async function returning a promise would wait for it).
   */
  const start = async (first: number, count: number): Promise<{ running: Promise<void> }> => {
    const { docs, entries } = await make(first, count);
    let commit: (docs: WriterDocument[], how: 'one' | 'each') => Promise<CommitResult>;
    try {
      commit = await ctx.writers.open(spec.as, user.realId, spec.collection);
    } catch (error) {
      report.error ??= message(error);
      return { running: Promise.resolve() };
    }
    const began = performance.now();
    const running = commit(docs, spec.commit).then(
      (result) => {
        ctx.ledger.acknowledge(entries);
        report.documents += docs.length;
        report.commits += result.commits;
        report.wallMs = Math.round((report.wallMs ?? 0) + performance.now() - began);
        report.stampLeadMs ??= result.stampLeadMs;
      },
      (error) => {
        report.error ??= message(error);
      },
    );
    return { running };
  };

  if (!spec.rate) {
    const { running } = await start(0, spec.count);
    if (spec.wait) await running;
    else {
      ctx.inFlight.push(running);
      // Real time, as the commit's own processing is: the head start ends early if it lands.
      if (spec.headStart > 0) await Promise.race([running, sleep(spec.headStart)]);
    }
    return;
  }
  const rate = spec.rate;
  let made = 0;
  await ctx.passTime(Math.ceil(spec.count / rate), async (elapsed) => {
    const due = Math.min(spec.count, Math.floor(elapsed * rate));
    if (due > made) await (await start(made, due - made)).running;
    made = Math.max(made, due);
  });
  if (made < spec.count) await (await start(made, spec.count - made)).running;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 300);
}
