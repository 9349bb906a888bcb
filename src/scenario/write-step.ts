import os from 'node:os';
import { forkRandom } from '../core/random';
import type { Ledger, LedgerWrite } from '../judge/ledger';
import { DataGenerator } from '../simulate/data-generator';
import type { CommitResult, OtherWriters, WriterSdk } from '../simulate/other-writer';
import {
  recordValues,
  type WriterDocument,
  type WriterFormat,
  type WriterTable,
  writerDocument,
} from '../simulate/writer-documents';
import type { StepSpec } from './schema';

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

type WriteSpec = Extract<StepSpec, { write: unknown }>['write'];

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
  passTime(ms: number, onTick: (elapsed: number) => Promise<void>): Promise<void>;
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
