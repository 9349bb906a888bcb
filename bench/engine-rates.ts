/**
 * Push and pull rates of the sync engine for N records, against the raw firebase-admin ceiling,
 * on a freshly started Firestore emulator each (the emulator slows down as it ages).
 * Usage: npx tsx bench/engine-rates.ts [N]   (a quick measurement; `personalai-sync bench` is the
 * full benchmark). Prints one JSON line per figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../src/adapters/clock';
import { createFirebaseClients } from '../src/adapters/firebase-clients';
import { FirestoreRemote } from '../src/adapters/firestore-remote';
import { openDatabase } from '../src/db/open-database';
import { DATA_TABLES } from '../src/db/schema-v2';
import { startFirestoreEmulator } from '../src/emulators/firestore-emulator';
import { SyncManager } from '../src/sync/sync-manager';
import type { Values } from '../src/sync/wire-format';

process.env.METADATA_SERVER_DETECTION = 'none';
const N = Number(process.argv[2] ?? 10_000);
const PROJECT = 'demo-bench';

function rowFor(table: (typeof DATA_TABLES)[number], i: number): Values {
  switch (table) {
    case 'health_data':
      return {
        data_type: 'heart_rate',
        value: 60 + (i % 40),
        unit: 'bpm',
        source: 'watch',
        recorded_at: i,
      };
    case 'location_data':
      return { latitude: 48 + i / 1e5, longitude: 11 + i / 1e5, accuracy: 5, recorded_at: i };
    case 'voice_notes':
      return {
        audio_uri: `/a/${i}.m4a`,
        duration: 12,
        mime_type: 'audio/mp4',
        transcription_status: 'done',
        transcription: 'hello world',
        recorded_at: i,
      };
    case 'text_notes':
      return { type: 'diary', content: `entry ${i} `.repeat(8), title: `t${i}` };
    case 'photo_memories':
      return { local_uri: `/p/${i}.jpg`, caption: 'a photo', taken_at: i };
  }
}

async function device(dir: string, name: string, endpoint: string) {
  const opened = await openDatabase(`sqlite:${path.join(dir, `${name}.db`)}`);
  const clients = createFirebaseClients({ projectId: PROJECT, firestore: endpoint }, name);
  const sync = new SyncManager({
    database: opened.database,
    remote: new FirestoreRemote(clients.firestore),
    deviceId: name,
    clock: new VirtualClock(),
  });
  await sync.initialize('bench-user');
  return {
    opened,
    clients,
    sync,
    close: async () => {
      await opened.close();
      await clients.close();
    },
  };
}

/** JIT warm-up of a fresh emulator, in another project so it leaves no data in the measured one. */
async function warmUp(endpoint: string) {
  const clients = createFirebaseClients(
    { projectId: 'demo-warmup', firestore: endpoint },
    'warmup',
  );
  const db = clients.firestore;
  for (let round = 0; round < 3; round += 1) {
    await Promise.all(
      Array.from({ length: 4 }, async (_, b) => {
        const batch = db.batch();
        for (let i = 0; i < 500; i += 1)
          batch.set(db.collection('warm').doc(`${round}-${b}-${i}`), {
            user_id: 'w',
            v: i,
            _server_time: new Date(),
          });
        await batch.commit();
      }),
    );
    await db
      .collection('warm')
      .where('user_id', '==', 'w')
      .orderBy('_server_time')
      .limit(1000)
      .get();
  }
  await clients.close();
}

async function engine(dir: string) {
  const emulator = await startFirestoreEmulator({ projectId: PROJECT });
  await warmUp(emulator.endpoint);
  try {
    const writer = await device(dir, 'writer', emulator.endpoint);
    const perTable = Math.ceil(N / DATA_TABLES.length);
    for (const table of DATA_TABLES) {
      await writer.sync.store.create(
        table,
        Array.from({ length: perTable }, (_, i) => rowFor(table, i)),
      );
    }
    let t = performance.now();
    const push = await writer.sync.syncAll();
    const pushMs = performance.now() - t;
    const reader = await device(dir, 'reader', emulator.endpoint);
    t = performance.now();
    const rssBefore = process.memoryUsage().rss;
    const pull = await reader.sync.syncAll();
    const pullMs = performance.now() - t;
    console.log(
      JSON.stringify({
        figure: 'engine push',
        records: push.pushed,
        ms: Math.round(pushMs),
        perSecond: Math.round((push.pushed / pushMs) * 1000),
        failed: push.failed,
      }),
    );
    console.log(
      JSON.stringify({
        figure: 'engine pull',
        records: pull.pulled,
        ms: Math.round(pullMs),
        perSecond: Math.round((pull.pulled / pullMs) * 1000),
        rssMB: Math.round(process.memoryUsage().rss / 1e6),
        rssBeforeMB: Math.round(rssBefore / 1e6),
      }),
    );
    await writer.close();
    await reader.close();
  } finally {
    await emulator.stop();
  }
}

async function ceiling() {
  const emulator = await startFirestoreEmulator({ projectId: PROJECT });
  await warmUp(emulator.endpoint);
  const clients = createFirebaseClients(
    { projectId: PROJECT, firestore: emulator.endpoint },
    'raw',
  );
  try {
    const db = clients.firestore;
    const perTable = Math.ceil(N / DATA_TABLES.length);
    let t = performance.now();
    const inFlight: Promise<unknown>[] = [];
    for (const table of DATA_TABLES) {
      for (let start = 0; start < perTable; start += 500) {
        const batch = db.batch();
        for (let i = start; i < Math.min(perTable, start + 500); i += 1) {
          batch.set(db.collection(table).doc(`${table}-${i}`), {
            ...rowFor(table, i),
            user_id: 'bench-user',
            _server_time: new Date(),
          });
        }
        inFlight.push(batch.commit());
        if (inFlight.length >= 4) await inFlight.shift();
      }
    }
    await Promise.all(inFlight);
    const writeMs = performance.now() - t;
    t = performance.now();
    let read = 0;
    for (const table of DATA_TABLES) {
      let last: FirebaseFirestore.QueryDocumentSnapshot | null = null;
      for (;;) {
        let q = db
          .collection(table)
          .where('user_id', '==', 'bench-user')
          .orderBy('_server_time')
          .limit(1000);
        if (last) q = q.startAfter(last);
        const page = await q.get();
        read += page.size;
        if (page.size < 1000) break;
        last = page.docs[page.docs.length - 1];
      }
    }
    const readMs = performance.now() - t;
    console.log(
      JSON.stringify({
        figure: 'raw batched writes (4 in flight)',
        records: perTable * DATA_TABLES.length,
        ms: Math.round(writeMs),
        perSecond: Math.round(((perTable * DATA_TABLES.length) / writeMs) * 1000),
      }),
    );
    console.log(
      JSON.stringify({
        figure: 'raw paged query read',
        records: read,
        ms: Math.round(readMs),
        perSecond: Math.round((read / readMs) * 1000),
      }),
    );
  } finally {
    await clients.close();
    await emulator.stop();
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'personalai-bench-'));
  try {
    await ceiling();
    await engine(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
