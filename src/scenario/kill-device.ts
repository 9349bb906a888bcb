import { type KilledPass, syncPassInChild } from '../simulate/kill-pass';
import type { KillAim } from '../simulate/kill-switch';
import type { DeviceSlot } from './device-slot';

/**
 * One sync pass of a slot's device in a child process, killed with SIGKILL at `aim`
 * (src/simulate/kill-pass.ts); then the device is opened again in-process from its database,
 * as the app is when the phone starts it again. The device's network (its fault proxies) stays
 * up for the child; its in-process faults and crash points do not apply to that pass.
 * SQLite devices only: the child reopens the database file, and only a file survives a kill.
 */
export async function killDuringPass(
  slot: DeviceSlot,
  aim: KillAim,
  seed: number,
): Promise<KilledPass> {
  const device = slot.device;
  const file = device.folders.databaseFile;
  if (device.opened.location.adapter !== 'sqlite' || !file)
    throw new Error(
      `kill: ${slot.key} keeps its data in ${device.opened.location.adapter}; a real kill needs a SQLite device (its file is what survives)`,
    );
  const o = slot.options;
  // The child gets the file: this process lets go of it first (nothing of the device runs now).
  await device.opened.close();
  try {
    return await syncPassInChild({
      databaseFile: file,
      userId: o.userId,
      deviceId: o.deviceId,
      projectId: o.projectId,
      firestore: device.proxies[0].endpoint,
      storage: device.proxies[1]?.endpoint ?? null,
      sdk: device.sdk,
      nowMs: slot.clock.now(),
      deadlineMs: o.deadlineMs,
      strategy: slot.strategy,
      askUser: slot.answers[0] ?? o.askUserDefault ?? null,
      online: device.network.isOnline(),
      seed,
      killAt: aim,
    });
  } finally {
    slot.retired.push(device);
    await device.close().catch(() => {});
    await slot.open();
  }
}
