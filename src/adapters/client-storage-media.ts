import fs from 'node:fs';
import type { FirebaseStorage, StorageReference } from 'firebase/storage';
import { assertSha256 } from '../files/checksum';
import type { MediaStore, StoredObject } from '../files/media-store';

/**
 * MediaStore on the app's own Storage SDK (`firebase/storage`, firebase@12.19.0), as the signed-in
 * user (src/adapters/client-storage.ts): what a phone does with `uploadBytes` + `getDownloadURL`.
 * Objects look exactly as BucketMediaStore (the firebase-admin one) writes them: the app's paths
 * (the engine passes them in), the same content types, the SHA-256 in custom metadata `sha256`,
 * and a Firebase download token, which here the server mints at upload (as Firebase Storage does
 * for client uploads) rather than the uploader choosing it. Either store reads the other's objects.
 *
 * The JS SDK has no `putFile`: a file is read into memory and sent in one multipart request,
 * as the SDK does on every platform; downloads use getBytes (getStream exists only in Node, and
 * the point is the app's code path). Both hold one object in memory, at most the voice limit.
 *
 * Rules: the Storage emulator evaluates storage.rules only where the rules runtime JAR is present
 * (src/emulators/storage-rules-runtime.ts); elsewhere it is open, and a success proves nothing
 * about storage.rules. Either way every upload carries its SHA-256 (refused without one).
 */
export class ClientMediaStore implements MediaStore {
  private readonly sdk = require('firebase/storage') as typeof import('firebase/storage');

  constructor(
    private readonly storage: FirebaseStorage,
    /** `http://host:port` the URLs should name, when this client goes through a fault proxy. */
    private readonly publicEndpoint?: string,
  ) {}

  async stat(path: string): Promise<StoredObject | null> {
    const ref = this.ref(path);
    try {
      const [metadata, url] = await Promise.all([
        this.sdk.getMetadata(ref),
        this.sdk.getDownloadURL(ref),
      ]);
      return {
        sha256: metadata.customMetadata?.sha256 ?? null,
        size: metadata.size,
        downloadUrl: this.publicUrl(url),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async uploadFile(
    path: string,
    localFile: string,
    contentType: string,
    sha256: string,
  ): Promise<StoredObject> {
    assertSha256(sha256, path);
    return this.uploadBuffer(path, await fs.promises.readFile(localFile), contentType, sha256);
  }

  async uploadBuffer(
    path: string,
    bytes: Buffer,
    contentType: string,
    sha256: string,
  ): Promise<StoredObject> {
    assertSha256(sha256, path);
    const ref = this.ref(path);
    const uploaded = await this.sdk.uploadBytes(ref, bytes, {
      contentType,
      customMetadata: { sha256 },
    });
    return {
      sha256,
      size: uploaded.metadata.size,
      downloadUrl: this.publicUrl(await this.sdk.getDownloadURL(ref)),
    };
  }

  async download(path: string, localFile: string): Promise<void> {
    const bytes = await this.sdk.getBytes(this.ref(path));
    await fs.promises.writeFile(localFile, new Uint8Array(bytes));
  }

  async delete(path: string): Promise<void> {
    try {
      await this.sdk.deleteObject(this.ref(path));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private ref(path: string): StorageReference {
    return this.sdk.ref(this.storage, path);
  }

  /** The SDK names the host it talks to (maybe this device's proxy); others need the public one. */
  private publicUrl(url: string): string {
    if (!this.publicEndpoint) return url;
    const parsed = new URL(url);
    return `${this.publicEndpoint}${parsed.pathname}${parsed.search}`;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'storage/object-not-found';
}
