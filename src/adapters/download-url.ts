import { randomUUID } from 'node:crypto';
import type { File } from '@google-cloud/storage';

/**
 * The Firebase download URL of a Storage object, as the app's `getDownloadURL()` returns it:
 * `{endpoint}/v0/b/{bucket}/o/{path}?alt=media&token={token}`, the token being the first of the
 * object's `firebaseStorageDownloadTokens`. firebase-admin's own getDownloadURL() reads the
 * endpoint from the process-wide STORAGE_EMULATOR_HOST (and otherwise calls Google), so this
 * one uses the endpoint the object's client was built with. An object without a token gets one.
 */
export async function getDownloadUrl(
  file: File,
  newToken: () => string = randomUUID,
  publicEndpoint?: string,
): Promise<string> {
  const objectUrl = firebaseObjectUrl(file);
  let token = firstToken(await readFirebaseMetadata(objectUrl));
  if (!token) {
    token = newToken();
    await file.setMetadata({ metadata: { firebaseStorageDownloadTokens: token } });
  }
  return downloadUrlFor(file, token, publicEndpoint);
}

/**
 * The URL for a token already known (e.g. just set at upload): no request needed. `endpoint`
 * overrides the client's own when it talks through a proxy that other devices cannot reach.
 */
export function downloadUrlFor(file: File, token: string, endpoint?: string): string {
  return `${firebaseObjectUrl(file, endpoint)}?alt=media&token=${token}`;
}

function firebaseObjectUrl(file: File, endpoint = file.storage.apiEndpoint): string {
  return `${endpoint}/v0/b/${file.bucket.name}/o/${encodeURIComponent(file.name)}`;
}

async function readFirebaseMetadata(objectUrl: string): Promise<{ downloadTokens?: string }> {
  const response = await fetch(objectUrl);
  if (!response.ok) {
    throw new Error(`Storage metadata request failed: HTTP ${response.status} for ${objectUrl}`);
  }
  return (await response.json()) as { downloadTokens?: string };
}

function firstToken(metadata: { downloadTokens?: string }): string | undefined {
  return metadata.downloadTokens?.split(',').find((t) => t.length > 0);
}
