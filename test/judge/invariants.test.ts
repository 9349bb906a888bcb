import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawOf } from '../../src/db/raw-update';
import { judgeRun } from '../../src/judge/judge-run';
import { generatePhoto } from '../../src/simulate/media-generator';
import { testClients, uniqueUserId } from '../helpers/backend';
import { useDevices } from '../helpers/device';
import { useTempDir } from '../helpers/temp-dir';

describe('the invariant checker', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite', withMedia: true });

  it('holds for converged devices, and names each record and rule once they are tampered with', async () => {
    const user = uniqueUserId('inv');
    const a = await device(user, 'a');
    const b = await device(user, 'b');
    const { firestore, bucket, close } = testClients('inv');
    // Each device read from its SQLite file, beside the engine's open connection.
    const check = () =>
      judgeRun({
        userId: user,
        devices: [a, b].map((d) => ({
          deviceId: d.deviceId,
          databaseFile: path.join(tempDir(), `${d.deviceId}.db`),
        })),
        firestore,
        bucket: bucket(),
      });
    try {
      const photo = path.join(tempDir(), 'p.jpg');
      await generatePhoto(photo, 2, { width: 320, height: 240 });
      const [note, other] = await a.sync.store.create('text_notes', [
        { type: 'diary', content: 'one' },
        { type: 'diary', content: 'two' },
      ]);
      const [pic] = await a.sync.store.create('photo_memories', [
        { local_uri: photo, taken_at: 1 },
      ]);
      await a.sync.syncAll();
      await b.sync.syncAll();
      const clean = await check();
      expect(clean).toMatchObject({ count: 0, checked: { records: 3, files: 2 } });

      // Tamper behind the sync engine's back, one rule at a time.
      const onB = await b.opened.database.get('text_notes').find(note);
      await b.opened.database.write(() =>
        onB.update(() => Object.assign(rawOf(onB), { content: 'edited, never queued' })),
      );
      await firestore.collection('text_notes').doc(other).update({ _deleted: true });
      await bucket().file(`users/${user}/photos/thumbnails/${pic}.jpg`).delete();
      await a.sync.store.create('health_data', [
        { data_type: 'steps', value: 1, unit: 'count', source: 'phone', recorded_at: 1 },
      ]);
      const foreign = await a.opened.database.get('text_notes').find(note);
      await a.opened.database.write(() =>
        foreign.update(() => Object.assign(rawOf(foreign), { user_id: 'somebody-else' })),
      );

      const broken = await check();
      const found = broken.violations.map(
        (v) => `${v.invariant} ${v.collection}/${v.id} ${v.device}`,
      );
      expect(found).toEqual(
        expect.arrayContaining([
          `converged text_notes/${note} b`,
          `deletions text_notes/${other} a`,
          `deletions text_notes/${other} b`,
          `files photo_memories/${pic} null`,
          `isolation text_notes/${note} a`,
          'drained null/null a',
        ]),
      );
      expect(
        broken.violations.find((v) => v.invariant === 'converged' && v.device === 'b')?.detail,
      ).toMatch(
        /^differs from the server in content/, // (and updated_at: WatermelonDB's update() stamps it)
      );
    } finally {
      await close();
      await closeAll();
    }
  });
});
