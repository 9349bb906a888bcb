import type { Firestore, Timestamp } from 'firebase-admin/firestore';
import type { RemoteWrite } from '../../src/sync/remote-store';
import { encodeVersion, type Version } from '../../src/sync/version';

/** A create of a text note, as the engine sends it (the read-back tests of both remotes). */
export function createNote(id: string, user: string): RemoteWrite {
  return {
    id,
    expected: null,
    set: { user_id: user, type: 'diary', content: id, created_at: 1, updated_at: 1 },
    remove: [],
    deleted: false,
    changed: [],
  };
}

/** The `_server_time` a text note carries on the server now, as a version. */
export async function noteServerTime(db: Firestore, id: string): Promise<Version> {
  const [snapshot] = await db.getAll(db.collection('text_notes').doc(id));
  return encodeVersion(snapshot.get('_server_time') as Timestamp);
}
