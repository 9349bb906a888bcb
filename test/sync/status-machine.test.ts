import { describe, expect, it } from 'vitest';
import {
  InvalidTransitionError,
  isSyncStatus,
  nextStatus,
  type RecordState,
  type SyncEvent,
  type SyncStatus,
} from '../../src/sync/status-machine';

const record = { table: 'health_data', id: 'abc' };

describe('nextStatus', () => {
  it.each<[RecordState, SyncEvent, SyncStatus]>([
    ['absent', 'created', 'pending'],
    ['pending', 'edit', 'pending'],
    ['syncing', 'edit', 'pending'],
    ['synced', 'edit', 'pending'],
    ['error', 'edit', 'pending'],
    ['pending', 'push-start', 'syncing'],
    ['syncing', 'push-ok', 'synced'],
    ['syncing', 'push-retryable-failure', 'pending'],
    ['syncing', 'push-permanent-failure', 'error'],
    ['error', 'retry', 'pending'],
    ['synced', 'pulled', 'synced'],
    ['error', 'pulled', 'synced'],
    ['pending', 'pulled', 'synced'],
    ['absent', 'pulled', 'synced'],
    ['syncing', 'rebased', 'pending'],
    ['pending', 'rebased', 'pending'],
    ['error', 'rebased', 'pending'],
    ['absent', 'rebased', 'pending'],
    ['syncing', 'resolved', 'synced'],
    ['pending', 'resolved', 'synced'],
    ['absent', 'resolved', 'synced'],
  ])('moves a %s record on %s to %s', (from, event, to) => {
    expect(nextStatus(from, event, record)).toBe(to);
  });

  it.each<[RecordState, SyncEvent]>([
    ['pending', 'created'],
    ['synced', 'created'],
    ['absent', 'edit'],
    ['absent', 'push-start'],
    ['absent', 'push-ok'],
    ['synced', 'push-ok'],
    ['synced', 'push-start'],
    ['error', 'push-start'],
    ['syncing', 'push-start'],
    ['pending', 'push-permanent-failure'],
    ['pending', 'retry'],
    ['synced', 'retry'],
    ['syncing', 'pulled'],
  ])('refuses to move a %s record on %s', (from, event) => {
    expect(() => nextStatus(from, event, record)).toThrow(InvalidTransitionError);
  });

  it('names the record, the from-status and the event when it refuses', () => {
    expect(() => nextStatus('synced', 'push-ok', record)).toThrow(
      'Record health_data/abc cannot go from synced on push-ok (push-ok is allowed from syncing)',
    );
  });

  it('refuses to mark synced a record edited while its upload was in flight (lost update)', () => {
    const afterEdit = nextStatus(nextStatus('pending', 'push-start', record), 'edit', record);
    expect(afterEdit).toBe('pending');
    expect(() => nextStatus(afterEdit, 'push-ok', record)).toThrow(InvalidTransitionError);
  });

  it('inserts a record new to this device from the server as synced', () => {
    expect(nextStatus('absent', 'pulled', record)).toBe('synced');
  });

  it('keeps a record rebased on a server version pending while it still has fields to push', () => {
    expect(nextStatus('syncing', 'rebased', record)).toBe('pending');
    expect(nextStatus('syncing', 'resolved', record)).toBe('synced');
  });

  it('says "A record" when no record is given', () => {
    expect(() => nextStatus('error', 'push-ok')).toThrow(
      /^A record cannot go from error on push-ok/,
    );
  });
});

describe('isSyncStatus', () => {
  it('accepts the four statuses and nothing else', () => {
    for (const status of ['pending', 'syncing', 'synced', 'error']) {
      expect(isSyncStatus(status)).toBe(true);
    }
    for (const value of ['failed', 'SYNCED', '', null, undefined, 1]) {
      expect(isSyncStatus(value)).toBe(false);
    }
  });
});
