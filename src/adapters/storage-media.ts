import { randomUUID } from 'node:crypto';
import type { Bucket, File } from '@google-cloud/storage';
import { assertSha256 } from '../files/checksum';
import type { MediaStore, StoredObject } from '../files/media-store';
import { downloadUrlFor, getDownloadUrl } from './download-url';

/**
 * MediaStore over a Cloud Storage bucket (the Storage emulator here). Uploads stream from disk;
 * each object carries its SHA-256 and a Firebase download token in custom metadata, as the app's
 * `putFile` + `getDownloadURL` produce.
 */
export class BucketMediaStore implements MediaStore {
  constructor(
    private readonly bucket: Bucket,
    private readonly newToken: () => string = randomUUID,
    /** `http://host:port` the URLs should name, when this client goes through a fault proxy. */
    private readonly publicEndpoint?: string,
  ) {}

  async stat(path: string): Promise<StoredObject | null> {
    const file = this.bucket.file(path);
    try {
      const [metadata] = await file.getMetadata();
      return this.describe(
        file,
        metadata.metadata as Record<string, string> | undefined,
        Number(metadata.size ?? 0),
      );
    } catch (error) {
      if ((error as { code?: number }).code === 404) return null;
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
    const file = this.bucket.file(path);
    const token = this.newToken();
    const metadata = { sha256, firebaseStorageDownloadTokens: token };
    const [uploaded] = await this.bucket.upload(localFile, {
      destination: file,
      contentType,
      metadata: { contentType, metadata },
    });
    return {
      sha256,
      size: Number(uploaded.metadata.size ?? 0),
      downloadUrl: downloadUrlFor(file, token, this.publicEndpoint),
    };
  }

  async uploadBuffer(
    path: string,
    bytes: Uint8Array,
    contentType: string,
    sha256: string,
  ): Promise<StoredObject> {
    assertSha256(sha256, path);
    const file = this.bucket.file(path);
    const token = this.newToken();
    // One request: the client's default for save() is a resumable upload, a session opened by
    // one request and filled by another, which buys nothing for a ~10 KB thumbnail (a retry
    // sends it again whole either way).
    await file.save(bytes, {
      resumable: false,
      contentType,
      metadata: { contentType, metadata: { sha256, firebaseStorageDownloadTokens: token } },
    });
    return {
      sha256,
      size: bytes.length,
      downloadUrl: downloadUrlFor(file, token, this.publicEndpoint),
    };
  }

  async download(path: string, localFile: string): Promise<void> {
    await this.bucket.file(path).download({ destination: localFile });
  }

  async delete(path: string): Promise<void> {
    await this.bucket.file(path).delete({ ignoreNotFound: true });
  }

  private async describe(
    file: File,
    custom: Record<string, string> | undefined,
    size: number,
  ): Promise<StoredObject> {
    return {
      sha256: custom?.sha256 ?? null,
      size,
      downloadUrl: await getDownloadUrl(file, this.newToken, this.publicEndpoint),
    };
  }
}
