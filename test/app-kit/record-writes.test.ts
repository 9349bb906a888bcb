import { deleteField, serverTimestamp, Timestamp } from 'firebase/firestore';
import { describe, expect, it } from 'vitest';
import {
  AppKitError,
  createRecord,
  DATA_TABLES,
  deleteRecord,
  mediaUpload,
  updateRecord,
  versionOf,
  writtenVersion,
} from '../../src/app-kit';
import { syncedColumnNames } from '../../src/sync/wire-format';
import { EDIT, KIT_SDK, kitContext, NEW_RECORD } from '../helpers/kit-records';

/** What the kit's builders produce and refuse (pure: no server involved; the rules tests send them). */
const ctx = kitContext('user-1', 'phone-a');
const BASE = '001767605400.123456000';
const isStamp = (v: unknown) => v instanceof serverTimestamp().constructor;
const isDelete = (v: unknown) => v instanceof deleteField().constructor;

describe('the app kit builds the engine’s writes', () => {
  it.each(DATA_TABLES)(
    'a %s create carries every column, the meta fields with _deleted false, and no _ft',
    (table) => {
      const write = createRecord(table, 'r1', NEW_RECORD[table], ctx);
      expect(write).toMatchObject({ kind: 'create', collection: table, id: 'r1' });
      expect(Object.keys(write.data).sort()).toEqual(
        [...syncedColumnNames(table), '_server_time', '_device', '_deleted'].sort(),
      );
      expect(write.data).toMatchObject({ user_id: 'user-1', _device: 'phone-a', _deleted: false });
      expect(isStamp(write.data._server_time)).toBe(true);
      expect(write.data).not.toHaveProperty('_ft');
    },
  );

  it.each(DATA_TABLES)(
    'a %s update sets the changed columns and stamps _ft.<column> for each, with _deleted false',
    (table) => {
      const write = updateRecord(table, 'r1', EDIT[table], BASE, ctx);
      expect(write).toMatchObject({ kind: 'update', expected: BASE });
      const changed = Object.keys(EDIT[table]);
      expect(Object.keys(write.data).sort()).toEqual(
        [
          ...changed,
          ...changed.map((f) => `_ft.${f}`),
          '_server_time',
          '_device',
          '_deleted',
        ].sort(),
      );
      for (const field of changed) expect(isStamp(write.data[`_ft.${field}`]), field).toBe(true);
      expect(write.data._deleted).toBe(false);
    },
  );

  it.each(DATA_TABLES)(
    'a %s delete is a tombstone: user_id kept, every other column removed, _deleted true',
    (table) => {
      const write = deleteRecord(table, 'r1', BASE, ctx);
      expect(write).toMatchObject({ kind: 'update', expected: BASE });
      expect(write.data).toMatchObject({ user_id: 'user-1', _deleted: true, _device: 'phone-a' });
      for (const field of syncedColumnNames(table).filter((f) => f !== 'user_id'))
        expect(isDelete(write.data[field]), field).toBe(true);
      expect(Object.keys(write.data).some((k) => k.startsWith('_ft'))).toBe(false);
    },
  );

  it.each([
    [
      'a missing required column',
      { ...NEW_RECORD.text_notes, content: undefined },
      /"content" is undefined \(Firestore refuses it; null clears a column\)/,
    ],
    [
      'a required column left out',
      { type: 'diary', created_at: 1, updated_at: 1 },
      /required field content is missing/,
    ],
    [
      'a wrong type',
      { ...NEW_RECORD.text_notes, created_at: '2026-01-05' },
      /field created_at should be a number, is a string/,
    ],
    [
      'a value past its bound',
      { ...NEW_RECORD.text_notes, type: 'poem' },
      /field type is not one of the allowed values/,
    ],
    [
      'a non-finite number',
      { ...NEW_RECORD.text_notes, updated_at: Number.NaN },
      /updated_at is not a finite number/,
    ],
    [
      'local bookkeeping',
      { ...NEW_RECORD.text_notes, sync_status: 'pending' },
      /"sync_status" is local bookkeeping/,
    ],
    ['a meta field', { ...NEW_RECORD.text_notes, _deleted: false }, /"_deleted" is the sync's own/],
    [
      'an unknown column',
      { ...NEW_RECORD.text_notes, colour: 'red' },
      /"colour" is not a column of text_notes/,
    ],
    [
      "another user's id",
      { ...NEW_RECORD.text_notes, user_id: 'user-2' },
      /user_id must be the signed-in user's uid/,
    ],
  ])(
    'a create with %s is refused, naming the field and never the value',
    (_name, values, message) => {
      expect(() => createRecord('text_notes', 'r1', values, ctx)).toThrow(message);
      expect(() => createRecord('text_notes', 'r1', values, ctx)).toThrow(AppKitError);
    },
  );

  it('refuses a bad record id, user id, device id, collection, base version or empty update', () => {
    const note = NEW_RECORD.text_notes;
    expect(() => createRecord('text_notes', 'a/b', note, ctx)).toThrow(
      /Record id "a\/b" is not allowed/,
    );
    expect(() => createRecord('text_notes', 'r1', note, kitContext('u/1'))).toThrow(/User id/);
    expect(() => createRecord('text_notes', 'r1', note, kitContext('u1', ''))).toThrow(/Device id/);
    expect(() => createRecord('sync_queue' as 'text_notes', 'r1', note, ctx)).toThrow(
      /not a synced collection/,
    );
    expect(() => updateRecord('text_notes', 'r1', { content: 'x' }, '12345', ctx)).toThrow(
      /base must be the version/,
    );
    expect(() => updateRecord('text_notes', 'r1', {}, BASE, ctx)).toThrow(
      /at least one changed column/,
    );
    expect(() => updateRecord('text_notes', 'r1', { content: null }, BASE, ctx)).toThrow(
      /required field content cannot be null/,
    );
    expect(() =>
      updateRecord('text_notes', 'r1', { content: 'x'.repeat(500_001) }, BASE, ctx),
    ).toThrow(/content is 500001 characters long \(limit 500000\)/);
  });

  it('reads versions as the harness encodes them, and recognises its own write read back', () => {
    const stamp = new Timestamp(1_767_605_400, 123_456_000);
    expect(versionOf({ _server_time: stamp }, KIT_SDK)).toBe(BASE);
    expect(versionOf({ _server_time: 1_767_605_400_123 }, KIT_SDK)).toBeNull();
    expect(versionOf(undefined, KIT_SDK)).toBeNull();
    const create = createRecord('text_notes', 'r1', NEW_RECORD.text_notes, ctx);
    expect(writtenVersion({ _server_time: stamp, _device: 'phone-a' }, create, ctx)).toBe(BASE);
    expect(writtenVersion({ _server_time: stamp, _device: 'tablet' }, create, ctx)).toBeNull();
    const update = updateRecord('text_notes', 'r1', { content: 'x' }, BASE, ctx);
    expect(writtenVersion({ _server_time: stamp, _device: 'phone-a' }, update, ctx)).toBeNull();
  });

  it('gives each media file its path, a content type Storage accepts and its sha256 metadata', () => {
    const sha256 = 'ab'.repeat(32);
    expect(
      mediaUpload({
        kind: 'voice',
        userId: 'user-1',
        recordId: 'v1',
        sha256,
        bytes: 10,
        mimeType: '',
      }),
    ).toEqual({
      path: 'users/user-1/voice/v1.m4a',
      metadata: { contentType: 'audio/mp4', customMetadata: { sha256 } },
      urlColumn: 'audio_url',
    });
    expect(
      mediaUpload({ kind: 'photo', userId: 'user-1', recordId: 'p1', sha256, bytes: 10 }),
    ).toMatchObject({
      path: 'users/user-1/photos/p1.jpg',
      metadata: { contentType: 'image/jpeg' },
      urlColumn: 'storage_url',
    });
    expect(
      mediaUpload({ kind: 'thumbnail', userId: 'user-1', recordId: 'p1', sha256, bytes: 10 }).path,
    ).toBe('users/user-1/photos/thumbnails/p1.jpg');
    const photo = { kind: 'photo' as const, userId: 'user-1', recordId: 'p1', sha256, bytes: 10 };
    expect(() => mediaUpload({ ...photo, sha256: 'AB'.repeat(32) })).toThrow(/lowercase hex/);
    expect(() => mediaUpload({ ...photo, bytes: 0 })).toThrow(/the file is empty/);
    expect(() => mediaUpload({ ...photo, kind: 'thumbnail', bytes: 2 * 1024 * 1024 })).toThrow(
      /over the thumbnail limit/,
    );
    expect(() => mediaUpload({ ...photo, kind: 'voice', mimeType: 'video/mp4' })).toThrow(
      /mime_type is not a type Storage accepts/,
    );
    expect(() => mediaUpload({ ...photo, recordId: '../x' })).toThrow(/Record id/);
  });
});
