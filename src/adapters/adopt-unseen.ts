import {
  type DocumentSnapshot,
  FieldValue,
  type Firestore,
  type Timestamp,
  type WriteBatch,
} from 'firebase-admin/firestore';
import type { DataTable } from '../db/schema-current';
import { ADOPTED_BY, type AdoptionPlan, planAdoption } from '../sync/plan-adoption';
import { META } from '../sync/wire-format';
import { asFirestoreTimestamp, FirestoreRemote } from './firestore-remote';

/** Documents read and written per round: one getAll and one atomic WriteBatch (limit 500). */
const CHUNK = 250;
/** gRPC codes of a batch refused because a document changed (or vanished) since it was read. */
const CHANGED_CODES = new Set([5 /* NOT_FOUND */, 9 /* FAILED_PRECONDITION */]);

export interface AdoptionReport {
  /** Documents the pull could not see when the run began. */
  unseen: number;
  /** Adopted (or, in a dry run, to be adopted), with the fields removed from each. */
  adopted: Array<{ id: string; removed: string[]; converted: string[] }>;
  /** Written to since they were read (by the app, say): left alone, checked again next run. */
  changedMeanwhile: string[];
  /** Gone, or given a valid `_server_time` by someone else since they were listed. */
  resolvedMeanwhile: string[];
  /** Would still not fit the wire format: left as they are (by id and field, never value). */
  unfit: Array<{ id: string; problem: string }>;
}

/**
 * Adopts a user's documents of one collection that the pull cannot see into the wire format
 * (planAdoption decides each). Each write is an update whose precondition is the update time
 * read, so a concurrent write is never overwritten: it is reported and looked at again by the
 * next run. Batches are atomic and every adopted document leaves the unseen set, so an
 * interrupted run is finished by running again, and a repeated run adopts nothing.
 */
export async function adoptUnseen(
  db: Firestore,
  table: DataTable,
  userId: string,
  options: { dryRun: boolean },
): Promise<AdoptionReport> {
  const ids = await new FirestoreRemote(db).listUnseen(table, userId);
  const report: AdoptionReport = {
    unseen: ids.length,
    adopted: [],
    changedMeanwhile: [],
    resolvedMeanwhile: [],
    unfit: [],
  };
  for (let start = 0; start < ids.length; start += CHUNK) {
    const refs = ids.slice(start, start + CHUNK).map((id) => db.collection(table).doc(id));
    const snapshots = await db.getAll(...refs);
    const planned: Planned[] = [];
    for (const snapshot of snapshots) {
      if (!snapshot.exists) {
        report.resolvedMeanwhile.push(snapshot.id);
        continue;
      }
      const plan = planAdoption(
        table,
        userId,
        snapshot.id,
        snapshot.data() ?? {},
        asFirestoreTimestamp,
      );
      if (plan.kind === 'already-pullable') report.resolvedMeanwhile.push(plan.id);
      else if (plan.kind === 'unfit') report.unfit.push({ id: plan.id, problem: plan.problem });
      else planned.push({ snapshot, plan });
    }
    const written = options.dryRun ? planned : await writeAdoptions(db, table, planned, report);
    for (const { plan } of written)
      report.adopted.push({ id: plan.id, removed: plan.remove, converted: Object.keys(plan.set) });
  }
  return report;
}

export type Planned = {
  snapshot: DocumentSnapshot;
  plan: Extract<AdoptionPlan, { kind: 'adopt' }>;
};

/**
 * Commits one atomic batch; if a document changed since it was read, each write goes alone
 * instead, and those that changed are reported, not written. Returns what was written.
 */
export async function writeAdoptions(
  db: Firestore,
  table: DataTable,
  planned: Planned[],
  report: AdoptionReport,
): Promise<Planned[]> {
  if (planned.length === 0) return [];
  const batch = db.batch();
  for (const item of planned) addWrite(batch, db, table, item);
  try {
    await batch.commit();
    return planned;
  } catch (error) {
    if (!isChanged(error)) throw error;
  }
  const written: Planned[] = [];
  for (const item of planned) {
    const single = db.batch();
    addWrite(single, db, table, item);
    try {
      await single.commit();
      written.push(item);
    } catch (error) {
      if (!isChanged(error)) throw error;
      report.changedMeanwhile.push(item.plan.id);
    }
  }
  return written;
}

function addWrite(
  batch: WriteBatch,
  db: Firestore,
  table: DataTable,
  { snapshot, plan }: Planned,
): void {
  const update: Record<string, unknown> = {
    ...plan.set,
    [META.serverTime]: FieldValue.serverTimestamp(),
    [META.device]: ADOPTED_BY,
    [META.deleted]: plan.deleted,
  };
  for (const field of plan.remove) update[field] = FieldValue.delete();
  batch.update(db.collection(table).doc(plan.id), update, {
    lastUpdateTime: snapshot.updateTime as Timestamp,
  });
}

function isChanged(error: unknown): boolean {
  return CHANGED_CODES.has((error as { code?: number }).code ?? -1);
}
