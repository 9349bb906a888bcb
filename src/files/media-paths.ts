import { assertSafeId } from '../core/ids';

/** Storage paths of the app (reference document, "File Sync"). Ids are checked, never escaped. */
export function voicePath(userId: string, recordId: string): string {
  check(userId, recordId);
  return `users/${userId}/voice/${recordId}.m4a`;
}

export function photoPath(userId: string, recordId: string): string {
  check(userId, recordId);
  return `users/${userId}/photos/${recordId}.jpg`;
}

export function thumbnailPath(userId: string, recordId: string): string {
  check(userId, recordId);
  return `users/${userId}/photos/thumbnails/${recordId}.jpg`;
}

function check(userId: string, recordId: string): void {
  assertSafeId('User', userId);
  assertSafeId('Record', recordId);
}
