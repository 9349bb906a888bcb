import { describe, expect, it } from 'vitest';
import {
  InvalidTransitionError,
  isSyncStatus,
  nextStatus,
  type SyncEvent,
  type SyncStatus,
} from '../src/sync/status-machine';

const record = { table: 'health_data', id: 'abc' };

describe('nextStatus', () => {
  it.each<[SyncStatus, SyncEvent, SyncStatus]>([
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
  ])('moves a %s record on %s to %s', (from, event, to) => {
    expect(nextStatus(from, event, record)).toBe(to);
  });

  it.each<[SyncStatus, SyncEvent]>([
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
