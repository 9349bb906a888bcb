import type { Firestore } from 'firebase-admin/firestore';
import { createFirebaseClients, type FirebaseClients } from '../adapters/firebase-clients';
import type { ParkedRow } from '../judge/device-reader';
import { checkExpected, type Expectations, type Observed } from '../judge/expectations';
import { readUserDocuments, type ServerDocs } from '../judge/server-reader';
import { describeStep } from './describe-step';
import { resolveDeviceRefs } from './device-refs';
import type { Simulation } from './simulation';
import type { StepSpec } from './steps';

/** What the runner counted along the way, as the expectations take it. */
export function runnerCounts(
  sim: Simulation,
  wallMs: number,
): Pick<Observed, 'quarantined' | 'syncErrors' | 'writes' | 'wallMs'> {
  const writes = new Map<string, { commits: number; documents: number }>();
  for (const slot of sim.slots) {
    let commits = 0;
    let documents = 0;
    // Every life of the device: a crash does not undo what it committed.
    for (const device of slot.all()) {
      commits += device.writes.commits;
      documents += device.writes.documents;
    }
    writes.set(slot.key, { commits, documents });
  }
  return {
    quarantined: sim.quarantined,
    syncErrors: { total: sim.totals.syncErrors, codes: { ...sim.errorCodes } },
    writes,
    wallMs,
  };
}

/** The scenario's device references as device keys. */
export function devicesOf(sim: Simulation): Observed['devices'] {
  return (ref) => resolveDeviceRefs(ref, sim.slots);
}

/**
 * The mid-timeline `expect` step: the server read on the judge's own client, each device's
 * parked rows read from its SQLite file, as they are at that point; what differs is kept (named
 * by the step) and reported at the end as `expectations` violations. The run goes on.
 */
export class TimelineExpectations {
  readonly failures: Array<{ label: string; detail: string; record: string | null }> = [];
  private clients: FirebaseClients | null = null;

  constructor(
    private readonly options: {
      projectId: string;
      firestore: string;
      runTag: string;
      wallStart: number;
      steps: StepSpec[];
      /** Real time now (the wall-time bound): the runner's clock, injected. */
      wallNow: () => number;
    },
  ) {}

  async check(sim: Simulation, expect: Expectations, index: number): Promise<string | undefined> {
    const label = describeStep(this.options.steps[index], index);
    const observed = await this.observe(sim);
    let failed = 0;
    checkExpected(expect, observed, (detail, record = null) => {
      failed += 1;
      this.failures.push({ label, detail, record });
    });
    return failed === 0 ? undefined : `${failed} expectation(s) failed`;
  }

  private async observe(sim: Simulation): Promise<Observed> {
    const firestore = this.firestore();
    const servers = new Map<string, ServerDocs>();
    for (const user of sim.users)
      servers.set(user.name, await readUserDocuments(firestore, user.realId));
    const parked = new Map<string, ParkedRow[]>();
    for (const slot of sim.slots) parked.set(slot.key, slot.reader.parkedRows());
    return {
      servers,
      conflicts: sim.conflicts,
      crashes: sim.totals.crashes,
      parked,
      ...runnerCounts(sim, this.options.wallNow() - this.options.wallStart),
      devices: devicesOf(sim),
    };
  }

  private firestore(): Firestore {
    this.clients ??= createFirebaseClients(
      { projectId: this.options.projectId, firestore: this.options.firestore, storage: null },
      `judge-timeline-${this.options.runTag}`,
    );
    return this.clients.firestore;
  }

  async close(): Promise<void> {
    await this.clients?.close();
    this.clients = null;
  }
}
