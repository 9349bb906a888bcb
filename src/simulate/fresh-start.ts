import fs from 'node:fs';
import { createFirebaseClients } from '../adapters/firebase-clients';
import { DEVICES_COLLECTION } from '../adapters/firestore-remote';
import { deviceFolders } from '../db/device-paths';
import { DATA_TABLES } from '../db/schema-current';

/**
 * `run --fresh`: forget a user's simulated state before the run — the devices' databases, media
 * and caches, and on the emulators the user's documents, device registrations and Storage
 * objects. Only that user's: other users' data on a shared emulator is left alone.
 */
export async function freshStart(options: {
  dataDir: string;
  userId: string;
  deviceIds: string[];
  projectId: string;
  firestore: string;
  storage: string | null;
}): Promise<{ documents: number; objects: number }> {
  for (const deviceId of options.deviceIds) {
    const folders = deviceFolders(options.dataDir, options.userId, deviceId);
    for (const suffix of ['', '-wal', '-shm'])
      fs.rmSync(`${folders.databaseFile}${suffix}`, { force: true });
    fs.rmSync(folders.mediaDir, { recursive: true, force: true });
    fs.rmSync(folders.cacheDir, { recursive: true, force: true });
  }
  const clients = createFirebaseClients(options, 'fresh');
  try {
    let documents = 0;
    for (const collection of [...DATA_TABLES, DEVICES_COLLECTION]) {
      const docs = await clients.firestore
        .collection(collection)
        .where('user_id', '==', options.userId)
        .get();
      for (let i = 0; i < docs.docs.length; i += 500) {
        const batch = clients.firestore.batch();
        for (const doc of docs.docs.slice(i, i + 500)) batch.delete(doc.ref);
        await batch.commit();
      }
      documents += docs.size;
    }
    let objects = 0;
    if (options.storage) {
      const [files] = await clients.bucket().getFiles({ prefix: `users/${options.userId}/` });
      await Promise.all(files.map((file) => file.delete({ ignoreNotFound: true })));
      objects = files.length;
    }
    return { documents, objects };
  } finally {
    await clients.close();
  }
}
