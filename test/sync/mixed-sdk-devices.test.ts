import { describe, expect, it } from 'vitest';
import type { Sdk } from '../../src/core/sdk';
import { rawOf } from '../../src/db/raw-update';
import { testClients, uniqueUserId } from '../helpers/backend';
import { type TestDevice, useDevices } from '../helpers/device';
import { deviceSnapshot, serverSnapshot } from '../helpers/inspect';
import { interceptRemote } from '../helpers/intercept-remote';
import { useTempDir } from '../helpers/temp-dir';

/**
 * Issue 15: a device on firebase-admin and a device on the app's JS SDK (signed in as the user,
 * rules enforced) share one user's data: edits go both ways, each recognises its own writes as
 * echoes, a real conflict is detected whichever side writes second, and deletes reach the other.
 */
const NOTE = { type: 'diary', content: 'first draft', title: 'Monday' };

describe('an admin device and a client-SDK device of one user', () => {
  const tempDir = useTempDir();
  const { device, closeAll } = useDevices(tempDir, { adapter: 'sqlite' });
  const admin = testClients('mixed-sdk');

  async function content(d: TestDevice, id: string) {
    return rawOf(await d.opened.database.get('text_notes').find(id)).content;
  }

  async function pair(user: string) {
    return {
      tablet: await device(user, 'tablet', { sdk: 'admin' }),
      phone: await device(user, 'phone', { sdk: 'client' }),
    };
  }

  it('edits go both ways, and neither device re-applies its own write (echo)', async () => {
    const user = uniqueUserId('mixed');
    try {
      const { tablet, phone } = await pair(user);
      const [id] = await tablet.sync.store.create('text_notes', [NOTE]);
      expect((await tablet.sync.syncAll()).success).toBe(true);
      expect((await phone.sync.syncAll()).pulled).toBe(1);
      await phone.sync.store.update('text_notes', id, { content: 'from the phone' });
      const pushed = await phone.sync.syncAll();
      expect(pushed).toMatchObject({ success: true, pushed: 1 });
      const again = await phone.sync.syncAll();
      expect(again.pulled).toBe(0);
      expect(again.collections.text_notes?.echoes).toBe(1);
      expect(await tablet.sync.syncAll()).toMatchObject({ success: true, pulled: 1 });
      expect(await content(tablet, id)).toBe('from the phone');
      await tablet.sync.store.update('text_notes', id, { content: 'from the tablet' });
      await tablet.sync.syncAll();
      expect((await tablet.sync.syncAll()).pulled).toBe(0);
      expect((await phone.sync.syncAll()).pulled).toBe(1);
      expect(await content(phone, id)).toBe('from the tablet');
      expect(await deviceSnapshot(phone)).toEqual(await deviceSnapshot(tablet));
      expect((await serverSnapshot(admin.firestore, user)).text_notes).toEqual(
        (await deviceSnapshot(tablet)).text_notes,
      );
    } finally {
      await closeAll();
    }
  });

  it.each<[Sdk, Sdk]>([
    ['admin', 'client'],
    ['client', 'admin'],
  ])(
    'a real conflict is detected when the %s device writes first and the %s device second',
    async (first, second) => {
      const user = uniqueUserId('conflict');
      try {
        const { tablet, phone } = await pair(user);
        const bySdk = { admin: tablet, client: phone };
        const [id] = await tablet.sync.store.create('text_notes', [NOTE]);
        await tablet.sync.syncAll();
        await phone.sync.syncAll();
        // Both edit the same field before either syncs.
        await bySdk[first].sync.store.update('text_notes', id, { content: `by ${first}` });
        await bySdk[second].sync.store.update('text_notes', id, { content: `by ${second}` });
        expect((await bySdk[first].sync.syncAll()).success).toBe(true);
        const late = await bySdk[second].sync.syncAll();
        const conflicts = late.collections.text_notes?.conflicts ?? [];
        expect(conflicts).toHaveLength(1);
        expect(conflicts[0]).toMatchObject({
          id,
          fields: expect.arrayContaining(['content']),
          strategy: 'remote-wins',
          outcome: 'took-remote',
        });
        // remote-wins: the first write stands everywhere.
        await bySdk[first].sync.syncAll();
        expect(await content(bySdk[second], id)).toBe(`by ${first}`);
        expect(await content(bySdk[first], id)).toBe(`by ${first}`);
      } finally {
        await closeAll();
      }
    },
  );

  it.each<[Sdk, Sdk]>([
    ['admin', 'client'],
    ['client', 'admin'],
  ])(
    'a write of the %s device landing between the %s device’s pull and push is refused by its compare-and-set (a push conflict)',
    async (other, pusher) => {
      const user = uniqueUserId('cas');
      try {
        let slipIn: (() => Promise<void>) | null = null;
        const devices: Record<Sdk, TestDevice> = {} as Record<Sdk, TestDevice>;
        devices[other] = await device(user, `${other}-device`, { sdk: other });
        devices[pusher] = await device(user, `${pusher}-device`, {
          sdk: pusher,
          wrapRemote: (real) =>
            interceptRemote(real, {
              async beforeCommit() {
                const run = slipIn;
                slipIn = null;
                await run?.();
              },
            }),
        });
        const [id] = await devices[pusher].sync.store.create('text_notes', [NOTE]);
        await devices[pusher].sync.syncAll();
        await devices[other].sync.syncAll();
        await devices[pusher].sync.store.update('text_notes', id, { content: 'pushed second' });
        slipIn = async () => {
          await devices[other].sync.store.update('text_notes', id, { title: 'slipped in' });
          expect((await devices[other].sync.syncAll()).pushed).toBe(1);
        };
        const result = await devices[pusher].sync.syncAll();
        expect(result.collections.text_notes?.conflicts).toMatchObject([
          { id, phase: 'push', outcome: 'took-remote' },
        ]);
        await devices[other].sync.syncAll();
        // remote-wins: the write that landed first stands on both, nothing of the other is lost
        // silently (it was reported).
        expect(await deviceSnapshot(devices[pusher], ['text_notes'])).toEqual(
          await deviceSnapshot(devices[other], ['text_notes']),
        );
        expect(rawOf(await devices[other].opened.database.get('text_notes').find(id)).title).toBe(
          'slipped in',
        );
      } finally {
        await closeAll();
      }
    },
  );

  it.each<[Sdk, Sdk]>([
    ['client', 'admin'],
    ['admin', 'client'],
  ])('a delete on the %s device deletes on the %s device', async (deleter, other) => {
    const user = uniqueUserId('delete');
    try {
      const { tablet, phone } = await pair(user);
      const bySdk = { admin: tablet, client: phone };
      const [keep, drop] = await bySdk[other].sync.store.create('text_notes', [
        NOTE,
        { ...NOTE, title: 'to delete' },
      ]);
      await bySdk[other].sync.syncAll();
      await bySdk[deleter].sync.syncAll();
      await bySdk[deleter].sync.store.delete('text_notes', [drop]);
      expect(await bySdk[deleter].sync.syncAll()).toMatchObject({ success: true, deleted: 1 });
      await bySdk[other].sync.syncAll();
      const left = await deviceSnapshot(bySdk[other], ['text_notes']);
      expect(Object.keys(left.text_notes)).toEqual([keep]);
      expect(left).toEqual(await deviceSnapshot(bySdk[deleter], ['text_notes']));
    } finally {
      await closeAll();
    }
  });
});
