import fs from 'node:fs';
import path from 'node:path';

/**
 * `emulators start` records itself in the data directory so that commands in other terminals
 * attach to it instead of starting their own, and `emulators status|stop` can find it.
 */
export interface EmulatorRegistration {
  pid: number;
  projectId: string;
  firestore: string;
  storage: string;
  /** Whether the Storage emulator evaluates storage.rules or permits everything. */
  storageRules?: 'enforced' | 'open';
  /** Absent in registrations written before the Auth emulator was started too. */
  auth?: string;
  /**
   * The address a phone reaches this machine at (`pair --public-host`): devices attached to these
   * emulators write download URLs with it, so the phone can open them.
   */
  publicHost?: string;
  startedAt: string;
}

export function registrationFile(dataDir: string): string {
  return path.join(dataDir, 'emulators.json');
}

export function writeRegistration(dataDir: string, registration: EmulatorRegistration): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = registrationFile(dataDir);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(registration, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** The registration, or null if there is none or its process is gone (a stale file is removed). */
export function readLiveRegistration(dataDir: string): EmulatorRegistration | null {
  const file = registrationFile(dataDir);
  let registration: EmulatorRegistration;
  try {
    registration = JSON.parse(fs.readFileSync(file, 'utf8')) as EmulatorRegistration;
  } catch {
    return null;
  }
  if (!isProcessAlive(registration.pid)) {
    removeRegistration(dataDir, registration.pid);
    return null;
  }
  return registration;
}

/** Removes the registration if it still belongs to `pid` (another start may have replaced it). */
export function removeRegistration(dataDir: string, pid: number): void {
  const file = registrationFile(dataDir);
  try {
    const current = JSON.parse(fs.readFileSync(file, 'utf8')) as EmulatorRegistration;
    if (current.pid === pid) fs.rmSync(file, { force: true });
  } catch {
    // nothing to remove
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
