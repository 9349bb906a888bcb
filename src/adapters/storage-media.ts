import { randomUUID } from 'node:crypto';
import type { Bucket, File } from '@google-cloud/storage';
import type { MediaStore, StoredObject } from '../files/media-store';
import { getDownloadUrl } from './download-url';

/**
 * MediaStore over a Cloud Storage bucket (the Storage emulator here). Uploads stream from disk;
 * each object carries its SHA-256 and a Firebase download token in custom metadata, as the app's
 * `putFile` + `getDownloadURL` produce.
 */
export class BucketMediaStore implements MediaStore {
  constructor(
    private readonly bucket: Bucket,
    private readonly newToken: () => string = randomUUID,
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
    const file = this.bucket.file(path);
    const metadata = { sha256, firebaseStorageDownloadTokens: this.newToken() };
    await this.bucket.upload(localFile, {
      destination: file,
      contentType,
      metadata: { contentType, metadata },
    });
    return this.describeUploaded(file, metadata);
  }

  async uploadBuffer(
    path: string,
    bytes: Buffer,
    contentType: string,
    sha256: string,
  ): Promise<StoredObject> {
    const file = this.bucket.file(path);
    const metadata = { sha256, firebaseStorageDownloadTokens: this.newToken() };
    await file.save(bytes, { contentType, metadata: { contentType, metadata } });
    return this.describeUploaded(file, metadata);
  }

  async download(path: string, localFile: string): Promise<void> {
    await this.bucket.file(path).download({ destination: localFile });
  }

  async delete(path: string): Promise<void> {
    await this.bucket.file(path).delete({ ignoreNotFound: true });
  }

  private async describeUploaded(
    file: File,
    metadata: Record<string, string>,
  ): Promise<StoredObject> {
    const [stored] = await file.getMetadata();
    return this.describe(
      file,
      { ...metadata, ...(stored.metadata as Record<string, string>) },
      Number(stored.size ?? 0),
    );
  }

  private async describe(
    file: File,
    custom: Record<string, string> | undefined,
    size: number,
  ): Promise<StoredObject> {
    return {
      sha256: custom?.sha256 ?? null,
      size,
      downloadUrl: await getDownloadUrl(file, this.newToken),
    };
  }
}
