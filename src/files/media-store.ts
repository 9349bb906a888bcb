/**
 * The file side of sync as a port (like RemoteStore for documents): upload, inspect, fetch and
 * delete objects by path. Implemented over the Storage emulator (or Firebase Storage) in
 * src/adapters/storage-media.ts.
 */
export interface StoredObject {
  /** SHA-256 recorded when it was uploaded (custom metadata), null if unknown. */
  sha256: string | null;
  size: number;
  downloadUrl: string;
}

export interface MediaStore {
  /** The object at `path`, or null. */
  stat(path: string): Promise<StoredObject | null>;
  /** Streams a local file up; returns the object (with its token download URL). */
  uploadFile(
    path: string,
    localFile: string,
    contentType: string,
    sha256: string,
  ): Promise<StoredObject>;
  uploadBuffer(
    path: string,
    bytes: Uint8Array,
    contentType: string,
    sha256: string,
  ): Promise<StoredObject>;
  /** Streams the object down to `localFile`. */
  download(path: string, localFile: string): Promise<void>;
  /** Deletes the object; deleting what is not there is fine. */
  delete(path: string): Promise<void>;
}
