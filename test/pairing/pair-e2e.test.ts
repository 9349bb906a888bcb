import path from 'node:path';
import { deleteApp, type FirebaseApp, initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from 'firebase/auth';
import {
  collection,
  connectFirestoreEmulator,
  doc,
  type Firestore,
  getDoc,
  getDocs,
  initializeFirestore,
  onSnapshot,
  query,
  setDoc,
  setLogLevel,
  Timestamp,
  terminate,
  where,
} from 'firebase/firestore';
import {
  connectStorageEmulator,
  deleteObject,
  type FirebaseStorage,
  getBytes,
  getStorage,
  listAll,
  ref as storageRef,
  uploadBytes,
} from 'firebase/storage';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { documentWrite } from '../../src/adapters/firestore-remote';
import { percentile } from '../../src/core/percentile';
import { isPortFree } from '../../src/emulators/free-port';
import { ensureTestUser } from '../../src/emulators/test-user';
import type { PairingInfo } from '../../src/pairing/connection-info';
import type { PairEvent } from '../../src/pairing/pair-events';
import { backendArgs, uniqueUserId } from '../helpers/backend';
import { collect, startCli } from '../helpers/cli';
import { CLIENT_SENTINELS } from '../helpers/client-sdk';
import { openDevice } from '../helpers/device';
import { deviceSnapshot } from '../helpers/inspect';
import { useTempDir } from '../helpers/temp-dir';

/**
 * The app, played by its own SDK (firebase@12.19.0) as a phone would run it: signed in through
 * the Auth emulator `pair` runs with the e-mail and password `pair --json` printed, writing the
 * wire format and listening. No `mockUserToken` anywhere: the rules see the Auth emulator's user.
 */
interface Phone {
  app: FirebaseApp;
  firestore: Firestore;
  storage(): FirebaseStorage;
  uid: string;
  close(): Promise<void>;
}

/** Writes each way: enough for a median and a maximum of the listeners' latency. */
const WRITES_EACH_WAY = 5;

let apps = 0;
async function signInPhone(
  info: PairingInfo,
  credentials: { email: string; password: string },
): Promise<Phone> {
  apps += 1;
  const app = initializeApp(info.firebaseConfig, `pair-phone-${apps}`);
  const auth = getAuth(app);
  // The iOS simulator's hosts: this machine's loopback, where the test runs.
  const hosts = info.hosts.iosSimulator;
  connectAuthEmulator(auth, `http://${hosts.auth}`, { disableWarnings: true });
  const signedIn = await signInWithEmailAndPassword(auth, credentials.email, credentials.password);
  const firestore = initializeFirestore(app, {});
  const at = hosts.firestore.lastIndexOf(':');
  connectFirestoreEmulator(
    firestore,
    hosts.firestore.slice(0, at),
    Number(hosts.firestore.slice(at + 1)),
  );
  return {
    app,
    firestore,
    storage: () => {
      // The Storage SDK of the same app: requests carry this user's ID token.
      const storage = getStorage(app);
      const { storage: host } = hosts;
      if (host) {
        const colon = host.lastIndexOf(':');
        connectStorageEmulator(storage, host.slice(0, colon), Number(host.slice(colon + 1)));
      }
      return storage;
    },
    uid: signedIn.user.uid,
    async close() {
      await terminate(firestore);
      await deleteApp(app);
    },
  };
}

/** Reads `pair --json`'s one stdout document, and its event lines on stderr as they come. */
function watchPair(child: ReturnType<typeof startCli>) {
  let stdout = '';
  let stderr = '';
  const events: PairEvent[] = [];
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (d) => {
    stdout += d;
    for (const w of waiters) w();
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
    const lines = stderr.split('\n');
    stderr = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as { type: string } & PairEvent;
      if (parsed.type === 'event') events.push(parsed);
    }
    for (const w of waiters) w();
  });
  const until = (check: () => boolean, what: string, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; stdout: ${stdout}`)),
        timeoutMs,
      );
      const waiter = () => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        }
      };
      waiters.push(waiter);
      child.on('exit', () => reject(new Error(`pair exited while waiting for ${what}`)));
      waiter();
    });
  return {
    events,
    async document(): Promise<{ status: string; result: PairingInfo }> {
      // Pretty-printed: the document ends with a line holding only "}".
      await until(() => /\n\}\n/.test(stdout), 'the connection document', 90_000);
      return JSON.parse(stdout);
    },
    until,
  };
}

const noteValues = (userId: string, content: string, now: number) => ({
  user_id: userId,
  type: 'thought',
  content,
  created_at: now,
  updated_at: now,
});

describe('pairing with the app through the Auth emulator', () => {
  const tempDir = useTempDir();
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('the app signs in with what pair printed; each side sees the other’s writes; another user is denied', async () => {
    // The SDK logs each denied write as a warning; the denials are asserted below.
    setLogLevel('silent');
    const user = uniqueUserId('pair');
    const dataDir = tempDir();
    const child = startCli([
      '--data-dir',
      dataDir,
      '--user',
      user,
      ...backendArgs(),
      '--json',
      'pair',
      '--for',
      '5m',
    ]);
    const exited = collect(child, 6 * 60_000);
    const pair = watchPair(child);
    const document = await pair.document();
    expect(document.status).toBe('running');
    const info = document.result;
    expect(info.user.uid).toBe(user);
    expect(info.hosts.androidEmulator.firestore).toMatch(/^10\.0\.2\.2:\d+$/);
    expect(info.hosts.phone.reachable).toBe(false);

    // The phone: signed in as the paired user, listening to its notes as the app does.
    const phone = await signInPhone(info, info.user);
    closers.push(() => phone.close());
    expect(phone.uid).toBe(user);
    const appSaw = new Map<string, number>();
    const appLatencies: number[] = [];
    const stopListening = onSnapshot(
      query(collection(phone.firestore, 'text_notes'), where('user_id', '==', user)),
      (snapshot) => {
        const seenAt = Date.now();
        for (const change of snapshot.docChanges()) {
          const stamp = change.doc.get('_server_time');
          if (change.type === 'added' && stamp instanceof Timestamp && !appSaw.has(change.doc.id)) {
            appSaw.set(change.doc.id, seenAt);
            if (change.doc.get('_device') !== 'phone-app')
              appLatencies.push(seenAt - stamp.toMillis());
          }
        }
      },
    );
    closers.push(async () => stopListening());

    // The app writes notes in the wire format; the harness device has them after one pass.
    const appNotes: string[] = [];
    for (let i = 0; i < WRITES_EACH_WAY; i++) {
      const write = documentWrite(
        {
          id: `app-note-${i}-${user}`,
          expected: null,
          set: noteValues(user, `written on the phone ${i}`, Date.now()),
          remove: [],
          deleted: false,
          changed: [],
        },
        'phone-app',
        CLIENT_SENTINELS,
      );
      await setDoc(doc(phone.firestore, 'text_notes', write.id), write.data);
      appNotes.push(write.id);
    }
    const written = { id: appNotes[0] };
    // The harness device lives in pair's data directory, so pair names it the harness side.
    const device = await openDevice({
      userId: user,
      deviceId: 'device-1',
      adapter: 'sqlite',
      dir: path.join(dataDir, 'devices', user),
    });
    closers.push(() => device.close());
    await device.sync.syncAll();
    const local = await deviceSnapshot(device, ['text_notes']);
    expect(Object.keys(local.text_notes).sort()).toEqual([...appNotes].sort());
    expect(local.text_notes[written.id]).toMatchObject({ content: 'written on the phone 0' });

    // The device pushes its own notes (each pushed at once, as a user would write them); the
    // app's listener sees every one.
    const pushedNotes: string[] = [];
    for (let i = 0; i < WRITES_EACH_WAY; i++) {
      const [id] = await device.sync.store.create('text_notes', [
        { type: 'diary', content: `written by the harness ${i}` },
      ]);
      const result = await device.sync.syncAll();
      expect(result.success).toBe(true);
      pushedNotes.push(id);
    }
    await pair.until(
      () => pushedNotes.every((id) => appSaw.has(id)),
      'the app to see the harness pushes',
    );

    // pair showed both sides, each write with its side and a latency.
    const shown = (id: string) => pair.events.some((e) => e.id === id);
    await pair.until(() => [...appNotes, ...pushedNotes].every(shown), 'pair to show every write');
    for (const id of appNotes)
      expect(pair.events.find((e) => e.id === id)).toMatchObject({
        side: 'app',
        device: 'phone-app',
        pullable: true,
        latencyMs: expect.any(Number),
      });
    for (const id of pushedNotes)
      expect(pair.events.find((e) => e.id === id)).toMatchObject({
        side: 'harness',
        device: 'device-1',
        pullable: true,
        latencyMs: expect.any(Number),
      });

    // Another user, signed in through the same Auth emulator, can neither read nor write U's.
    const otherId = uniqueUserId('intruder');
    const other = await ensureTestUser({
      auth: info.hosts.iosSimulator.auth,
      projectId: info.projectId,
      userId: otherId,
      password: 'intruder-pw',
    });
    const intruder = await signInPhone(info, other);
    closers.push(() => intruder.close());
    expect(intruder.uid).toBe(otherId);
    const denied = async (attempt: Promise<unknown>) =>
      expect(attempt).rejects.toMatchObject({ code: 'permission-denied' });
    await denied(getDoc(doc(intruder.firestore, 'text_notes', written.id)));
    await denied(
      getDocs(query(collection(intruder.firestore, 'text_notes'), where('user_id', '==', user))),
    );
    const overwrite = documentWrite(
      {
        id: written.id,
        expected: null,
        set: noteValues(user, 'overwritten by someone else', Date.now()),
        remove: [],
        deleted: false,
        changed: [],
      },
      'intruder-phone',
      CLIENT_SENTINELS,
    );
    await denied(setDoc(doc(intruder.firestore, 'text_notes', written.id), overwrite.data));
    await denied(
      setDoc(doc(intruder.firestore, 'text_notes', `planted-${otherId}`), overwrite.data),
    );
    // The intruder's own documents are fine: the denial is about U's, not about signing in.
    const own = documentWrite(
      {
        id: `own-${otherId}`,
        expected: null,
        set: noteValues(otherId, 'my own', Date.now()),
        remove: [],
        deleted: false,
        changed: [],
      },
      'intruder-phone',
      CLIENT_SENTINELS,
    );
    await setDoc(doc(intruder.firestore, 'text_notes', own.id), own.data);

    // Storage: U's photo, read, overwritten and deleted by the intruder, and U's folder listed.
    // Where storage.rules run, every attempt is denied; here they cannot (the rules runtime is a
    // JAR these machines cannot download), and the test says so and pins that Storage is open.
    const photo = `users/${user}/photos/pair-${Date.now()}.jpg`;
    await uploadBytes(storageRef(phone.storage(), photo), new Uint8Array([1, 2, 3]), {
      contentType: 'image/jpeg',
    });
    const theirs = intruder.storage();
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['read', () => getBytes(storageRef(theirs, photo))],
      ['list', () => listAll(storageRef(theirs, `users/${user}`))],
      ['overwrite', () => uploadBytes(storageRef(theirs, photo), new Uint8Array([9]))],
      ['delete', () => deleteObject(storageRef(theirs, photo))],
    ];
    const outcomes: string[] = [];
    for (const [what, attempt] of attempts)
      outcomes.push(
        await attempt().then(
          () => `${what}: allowed`,
          (error: { code?: string }) => `${what}: ${error.code ?? 'failed'}`,
        ),
      );
    if (inject('storageRules') === 'enforced') {
      expect(outcomes).toEqual(attempts.map(([what]) => `${what}: storage/unauthorized`));
    } else {
      process.stderr.write(
        `[pair storage] NOT CHECKED: Storage rules are not evaluated on this machine (no rules runtime JAR); another user's attempts on U's files: ${outcomes.join(', ')}\n`,
      );
      expect(outcomes).toEqual(attempts.map(([what]) => `${what}: allowed`));
    }

    // Ctrl-C: pair stops what it started (the Auth emulator) and exits 0.
    child.kill('SIGINT');
    const done = await exited;
    expect(done.code).toBe(0);
    const authPort = Number(info.hosts.iosSimulator.auth.split(':')[1]);
    expect(await isPortFree(authPort)).toBe(true);
    const summary = done.stderr
      .split('\n')
      .filter((l) => l.startsWith('{"type":"summary"'))
      .map((l) => JSON.parse(l));
    expect(summary).toHaveLength(1);
    expect(summary[0].latency.app.events).toBe(WRITES_EACH_WAY);
    expect(summary[0].latency.harness.events).toBe(WRITES_EACH_WAY);
    process.stderr.write(
      `[pair latency] pair's listener, commit → seen: ${JSON.stringify(summary[0].latency)}; the app's listener, stamp → seen: median ${percentile(appLatencies, 0.5)} ms, max ${Math.max(...appLatencies)} ms (${appLatencies.join(', ')})\n`,
    );
  });
});
