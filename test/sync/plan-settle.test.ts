import { describe, expect, it } from 'vitest';
import type { ErrorClass } from '../../src/sync/classify-error';
import type { QueueRowState } from '../../src/sync/failure';
import { type LocalChange, planWrite } from '../../src/sync/plan-push';
import { planSettle, type SentRecord, type SettleOutcome } from '../../src/sync/plan-settle';
import { PARKED_AT, type QueueData } from '../../src/sync/queue';
import type { Plan } from '../../src/sync/reconcile';
import { APP_RETRY_POLICY } from '../../src/sync/retry-handler';
import { EARLIEST_VERSION } from '../../src/sync/version';

/** The settling of a push, planned without a database or a server: records in, decisions out. */

const TABLE = 'text_notes';
const NOW = 1_000_000;
const retry = { policy: APP_RETRY_POLICY, random: () => 0 };

function note(status: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'n1',
    user_id: 'u',
    type: 'diary',
    title: 'Monday',
    content: 'first draft',
    tags: null,
    mood: null,
    created_at: 1,
    updated_at: 2,
    embedding_id: null,
    sync_status: status,
    synced_at: null,
    remote_version: 'v1',
    ...changes,
  };
}

function queueRow(
  changes: Partial<QueueRowState> = {},
  data: Partial<QueueData> = {},
): QueueRowState {
  return {
    operation: 'update',
    data: { fields: ['content'], base: 'v1', full: false, parked: false, ...data },
    attempts: 0,
    ...changes,
  };
}

/** A record sent as `sentRaw` (null: a tombstone), found as `raw` and `row` once the push is back. */
function sent(
  outcome: SettleOutcome,
  now: { raw: Record<string, unknown> | null; row: QueueRowState | null },
  sentRaw: Record<string, unknown> | null = note('syncing'),
  blobsLeft = false,
): SentRecord {
  const change: LocalChange = {
    id: 'n1',
    operation: sentRaw ? 'update' : 'delete',
    data: { fields: ['content'], base: 'v1', full: false, parked: false },
    raw: sentRaw,
  };
  return { id: 'n1', sent: planWrite(TABLE, change, 'u'), outcome, blobsLeft, ...now };
}

const written: SettleOutcome = { status: 'written', version: 'v2' };
const unavailable: ErrorClass = {
  kind: 'retryable',
  code: 'unavailable',
  message: 'no connection',
};

function rebase(push: boolean, conflict: boolean): Plan {
  return {
    kind: 'rebase',
    values: {},
    version: 'v3',
    push: push ? { operation: 'update', fields: ['title'], full: false } : null,
    conflict: conflict
      ? {
          collection: TABLE,
          id: 'n1',
          fields: ['title'],
          strategy: 'merge',
          outcome: 'merged',
          phase: 'push',
        }
      : null,
  };
}

describe('planSettle', () => {
  it('marks as synced, at the version written, a record unchanged since it was sent', () => {
    const plan = planSettle(
      TABLE,
      [sent(written, { raw: note('syncing'), row: queueRow() })],
      NOW,
      retry,
    );
    expect(plan.records).toEqual([{ kind: 'synced', id: 'n1', version: 'v2', status: 'synced' }]);
    expect(plan.counts).toMatchObject({ pushed: 1, synced: 1, failed: 0, errors: [] });
    expect(plan.again).toBe(false);
  });

  it('marks as synced a record whose write landed but whose version could not be read back, based on the version the write assumed (the next pull brings the newer one)', () => {
    const unknown: SettleOutcome = { status: 'written', version: null };
    const plan = planSettle(
      TABLE,
      [sent(unknown, { raw: note('syncing'), row: queueRow() })],
      NOW,
      retry,
    );
    expect(plan.records).toEqual([{ kind: 'synced', id: 'n1', version: 'v1', status: 'synced' }]);
    expect(plan.counts).toMatchObject({ pushed: 1, synced: 1 });
  });

  it('bases a created record whose version could not be read back on the earliest version: it is on the server, and any document there is newer', () => {
    const unknown: SettleOutcome = { status: 'written', version: null };
    const change: LocalChange = {
      id: 'n1',
      operation: 'create',
      data: { fields: [], base: null, full: true, parked: false },
      raw: note('syncing', { remote_version: null }),
    };
    const plan = planSettle(
      TABLE,
      [
        {
          id: 'n1',
          sent: planWrite(TABLE, change, 'u'),
          outcome: unknown,
          blobsLeft: false,
          raw: note('syncing', { remote_version: null }),
          row: queueRow({ operation: 'create' }, { base: null, full: true, fields: [] }),
        },
      ],
      NOW,
      retry,
    );
    expect(plan.records).toEqual([
      { kind: 'synced', id: 'n1', version: EARLIEST_VERSION, status: 'synced' },
    ]);
  });

  it("doesn't mark as synced a record that changed since it was sent: it stays pending, based on the version written, with the fields edited since", () => {
    const edited = note('pending', { title: 'Tuesday' });
    const plan = planSettle(TABLE, [sent(written, { raw: edited, row: queueRow() })], NOW, retry);
    expect(plan.records).toEqual([
      {
        kind: 'still-pending',
        id: 'n1',
        version: 'v2',
        row: {
          operation: 'update',
          data: { fields: ['title'], base: 'v2', full: false, parked: false },
        },
      },
    ]);
    expect(plan.counts).toMatchObject({ pushed: 1, synced: 0 });
  });

  it('lets a tombstone on the server take its queue row with it once the record is gone', () => {
    const tombstone = sent(written, { raw: null, row: queueRow({ operation: 'delete' }) }, null);
    const plan = planSettle(TABLE, [tombstone], NOW, retry);
    expect(plan.records).toEqual([{ kind: 'synced', id: 'n1', version: 'v2', status: null }]);
    expect(plan.counts).toMatchObject({ pushed: 1, deleted: 1, synced: 1 });
  });

  it('keeps the queue row of a tombstone whose blobs are still on Storage, based on the version written', () => {
    const row = queueRow({ operation: 'delete' }, { fields: [] });
    const plan = planSettle(TABLE, [sent(written, { raw: null, row }, null, true)], NOW, retry);
    expect(plan.records).toEqual([
      { kind: 'row-rebased', id: 'n1', data: { ...row.data, base: 'v2' } },
    ]);
    expect(plan.counts.synced).toBe(0);
  });

  it('keeps the tombstone of a record deleted while its update was in flight, now based on the version written', () => {
    const row = queueRow({ operation: 'delete' }, { fields: [] });
    const plan = planSettle(TABLE, [sent(written, { raw: null, row })], NOW, retry);
    expect(plan.records).toEqual([
      { kind: 'row-rebased', id: 'n1', data: { ...row.data, base: 'v2' } },
    ]);
  });

  it('reschedules a retryable failure after the backoff, counts the attempt and puts the record back to pending', () => {
    const failed: SettleOutcome = { status: 'failed', error: unavailable };
    const plan = planSettle(
      TABLE,
      [sent(failed, { raw: note('syncing'), row: queueRow() })],
      NOW,
      retry,
    );
    expect(plan.records).toEqual([
      {
        kind: 'failed',
        id: 'n1',
        parked: false,
        status: 'pending',
        row: {
          attempts: 1,
          lastError: 'unavailable: no connection',
          scheduledAt: NOW + 1000,
          data: queueRow().data,
        },
      },
    ]);
    expect(plan.counts.failed).toBe(1);
    expect(plan.counts.errors).toEqual([
      {
        collection: TABLE,
        documentId: 'n1',
        error: 'unavailable: no connection',
        code: 'unavailable',
        kind: 'retryable',
      },
    ]);
  });

  it('parks the record in error on its fifth failed attempt, not retried forever (defect 6)', () => {
    const failed: SettleOutcome = { status: 'failed', error: unavailable };
    const row = queueRow({ attempts: 4 });
    const [settlement] = planSettle(
      TABLE,
      [sent(failed, { raw: note('syncing'), row })],
      NOW,
      retry,
    ).records;
    expect(settlement).toMatchObject({
      kind: 'failed',
      parked: true,
      status: 'error',
      row: { attempts: 5, scheduledAt: PARKED_AT, data: { parked: true } },
    });
  });

  it('parks a permanent failure at once', () => {
    const error: ErrorClass = { kind: 'permanent', code: 'invalid-argument', message: 'bad' };
    const outcome: SettleOutcome = { status: 'failed', error };
    const [settlement] = planSettle(
      TABLE,
      [sent(outcome, { raw: note('syncing'), row: queueRow() })],
      NOW,
      retry,
    ).records;
    expect(settlement).toMatchObject({
      kind: 'failed',
      parked: true,
      status: 'error',
      row: { attempts: 1 },
    });
  });

  it('puts a record never tried (the network was judged down) back to pending, with no attempt counted and no error of its own', () => {
    const error: ErrorClass = { kind: 'retryable', code: 'network-down', message: 'not attempted' };
    const outcome: SettleOutcome = { status: 'failed', error };
    const plan = planSettle(
      TABLE,
      [sent(outcome, { raw: note('syncing'), row: queueRow() })],
      NOW,
      retry,
    );
    expect(plan.records).toEqual([
      { kind: 'left-pending', id: 'n1', reason: 'network-down', status: 'pending' },
    ]);
    expect(plan.counts).toMatchObject({ failed: 0, errors: [] });
  });

  it('applies a resolved conflict and asks for another round in the same pass when it left a change to push', () => {
    const outcome: SettleOutcome = {
      status: 'conflict',
      resolution: { kind: 'plan', plan: rebase(true, true) },
    };
    const plan = planSettle(
      TABLE,
      [sent(outcome, { raw: note('syncing'), row: queueRow() })],
      NOW,
      retry,
    );
    expect(plan.records).toEqual([{ kind: 'resolved', id: 'n1', plan: rebase(true, true) }]);
    expect(plan.counts.conflicts).toHaveLength(1);
    expect(plan.again).toBe(true);
  });

  it("takes a lost acknowledgement (the server has this device's own write) without reporting a conflict", () => {
    const outcome: SettleOutcome = {
      status: 'conflict',
      resolution: { kind: 'plan', plan: rebase(false, false) },
    };
    const plan = planSettle(
      TABLE,
      [sent(outcome, { raw: note('syncing'), row: queueRow() })],
      NOW,
      retry,
    );
    expect(plan.counts.conflicts).toEqual([]);
    expect(plan.again).toBe(false);
  });

  it('leaves a conflict ask-user cannot answer pending, reported, with no attempt counted', () => {
    const outcome: SettleOutcome = {
      status: 'conflict',
      resolution: { kind: 'unanswered', message: 'no one to ask' },
    };
    const plan = planSettle(
      TABLE,
      [sent(outcome, { raw: note('syncing'), row: queueRow() })],
      NOW,
      retry,
    );
    expect(plan.records).toEqual([
      { kind: 'left-pending', id: 'n1', reason: 'unanswered', status: 'pending' },
    ]);
    expect(plan.counts.failed).toBe(1);
    expect(plan.counts.errors[0]).toMatchObject({ code: 'unanswered-conflict', kind: 'conflict' });
  });

  it('fails a record whose server document cannot be read as a permanent failure would', () => {
    const error: ErrorClass = { kind: 'permanent', code: 'malformed-document', message: 'title' };
    const outcome: SettleOutcome = { status: 'conflict', resolution: { kind: 'malformed', error } };
    const [settlement] = planSettle(
      TABLE,
      [sent(outcome, { raw: note('syncing'), row: queueRow() })],
      NOW,
      retry,
    ).records;
    expect(settlement).toMatchObject({ kind: 'failed', parked: true, status: 'error' });
  });

  it('leaves the status of a record edited during a failed push alone: the edit already made it pending', () => {
    const failed: SettleOutcome = { status: 'failed', error: unavailable };
    const edited = note('pending', { title: 'Tuesday' });
    const [settlement] = planSettle(
      TABLE,
      [sent(failed, { raw: edited, row: queueRow() })],
      NOW,
      retry,
    ).records;
    expect(settlement).toMatchObject({ kind: 'failed', status: null, row: { attempts: 1 } });
  });

  it('draws retry jitter in record order, so a seed replays the same schedule', () => {
    const draws = [0.5, 0.25];
    const seeded = { policy: APP_RETRY_POLICY, random: () => draws.shift() ?? 0 };
    const failed: SettleOutcome = { status: 'failed', error: unavailable };
    const one = sent(failed, { raw: note('syncing'), row: queueRow() });
    const two = { ...one, id: 'n2' };
    const plan = planSettle(TABLE, [one, two], NOW, seeded);
    expect(plan.records.map((s) => (s.kind === 'failed' ? s.row?.scheduledAt : null))).toEqual([
      NOW + 1500,
      NOW + 1250,
    ]);
  });
});
