import { loadClientSdk, openClientFirestore } from '../adapters/client-firestore';
import { createFirebaseClients, type FirebaseClients } from '../adapters/firebase-clients';
import { ADMIN_SENTINELS, type WriteSentinels } from '../adapters/firestore-remote';
import { type PurgeResult, purgeTombstones } from '../adapters/tombstone-purge';
import type { DataTable } from '../db/schema-current';
import type { WriterDocument } from './writer-documents';

/**
 * Writers that are not simulated devices, against the emulator:
 *   client  the Firebase JS SDK (the app's own SDK) signed in as the user with the emulator's
 *           mock token, so firestore.rules are evaluated for every write. Each commit gets a
 *           client of its own (its own connection), warmed up by one query first: its write is
 *           then on the wire at once, and two writers never queue behind one stream.
 *   admin   firebase-admin (another tool, a migration script, a backend job): no rules. Its
 *           batch takes the 1,000 documents of a bulk step in one commit (the client SDK's
 *           WriteBatch holds 500).
 * The client SDK is loaded only when a client writer runs (src/adapters/client-firestore.ts).
 */
export type WriterSdk = 'client' | 'admin';
export const CLIENT_BATCH_LIMIT = 500;
export const ADMIN_BATCH_LIMIT = 1000;

export interface CommitResult {
  commits: number;
  /** How long before becoming visible the first commit was stamped (its `_server_time`). */
  stampLeadMs: number | null;
}

export class OtherWriters {
  private admin: FirebaseClients | null = null;
  private clients = 0;

  constructor(private readonly options: { projectId: string; firestore: string; label: string }) {}

  sentinels(sdk: WriterSdk): WriteSentinels {
    if (sdk === 'admin') return ADMIN_SENTINELS;
    const { serverTimestamp, deleteField } = loadClientSdk().firestore;
    return { serverTimestamp, deleteField };
  }

  /**
   * Opens a writer for one commit (a client one warms up first) and returns the function that
   * commits: `one` puts every document in one commit, `each` commits them one by one.
   */
  async open(
    sdk: WriterSdk,
    userId: string,
    table: DataTable,
  ): Promise<(docs: WriterDocument[], commit: 'one' | 'each') => Promise<CommitResult>> {
    if (sdk === 'admin') {
      const db = this.adminClients().firestore;
      return async (docs, commit) => {
        for (const group of commit === 'one' ? [docs] : docs.map((d) => [d])) {
          const batch = db.batch();
          for (const d of group)
            batch.set(db.collection(table).doc(d.id), d.data, { merge: d.merge });
          await batch.commit();
        }
        return {
          commits: commit === 'one' ? 1 : docs.length,
          stampLeadMs: await this.lead(table, docs),
        };
      };
    }
    const client = await this.openClient(userId, table);
    return async (docs, commit) => {
      try {
        const { writeBatch, doc } = loadClientSdk().firestore;
        for (const group of commit === 'one' ? [docs] : docs.map((d) => [d])) {
          const batch = writeBatch(client.db);
          for (const d of group) batch.set(doc(client.db, table, d.id), d.data, { merge: d.merge });
          await batch.commit();
        }
      } finally {
        await client.close();
      }
      return {
        commits: commit === 'one' ? 1 : docs.length,
        stampLeadMs: await this.lead(table, docs),
      };
    };
  }

  /** The server's tombstone purge job for one user (firebase-admin, as a server job runs). */
  purgeTombstones(userId: string): Promise<PurgeResult> {
    return purgeTombstones(this.adminClients().firestore, userId);
  }

  async close(): Promise<void> {
    await this.admin?.close();
    this.admin = null;
  }

  private adminClients(): FirebaseClients {
    this.admin ??= createFirebaseClients(
      { projectId: this.options.projectId, firestore: this.options.firestore },
      `${this.options.label}-writer`,
    );
    return this.admin;
  }

  /** Read back (firebase-admin): how far the first document's stamp lies before its update time. */
  private async lead(table: DataTable, docs: WriterDocument[]): Promise<number | null> {
    if (docs.length === 0) return null;
    const [snapshot] = await this.adminClients().firestore.getAll(
      this.adminClients().firestore.collection(table).doc(docs[0].id),
    );
    const stamp = snapshot.get('_server_time') as { toMillis?: () => number } | undefined;
    if (!snapshot.updateTime || typeof stamp?.toMillis !== 'function') return null;
    return snapshot.updateTime.toMillis() - stamp.toMillis();
  }

  private async openClient(userId: string, table: DataTable) {
    this.clients += 1;
    const client = openClientFirestore({
      projectId: this.options.projectId,
      firestore: this.options.firestore,
      userId,
      label: `${this.options.label}-writer-${this.clients}`,
    });
    const { sdk: fs, firestore: db } = client;
    try {
      // The warm-up: connection and token in place, so the commit is sent the moment it is made.
      await fs.getDocs(
        fs.query(fs.collection(db, table), fs.where('user_id', '==', userId), fs.limit(1)),
      );
    } catch (error) {
      await client.close();
      throw error;
    }
    return { db, close: () => client.close() };
  }
}
