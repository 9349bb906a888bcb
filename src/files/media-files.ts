/**
 * What the push's file step (src/sync/upload-media.ts) needs of the device's own media files, as
 * a port: the engine runs in the app too, where files, hashing and image decoding come from
 * React Native modules, so it imports none of Node's. src/files/node-media-files.ts implements
 * it for Node (node:fs, node:crypto, sharp); src/adapters/device-wiring.ts hands it in.
 *
 * Errors: a file that is missing or unreadable rejects with an error whose `code` says why
 * (`ENOENT`, `EACCES`, as Node's do); a photo that cannot be decoded rejects with an
 * UndecodableImageError (name `MalformedDataError`: retrying does not help).
 */
export interface MediaFiles {
  /** Size in bytes of a local file that exists and is readable. */
  sizeOf(file: string): Promise<number>;
  /** SHA-256 of a local file, hex (read as a stream: media is never held in memory whole). */
  sha256OfFile(file: string): Promise<string>;
  /** SHA-256 of bytes, hex. */
  sha256OfBytes(bytes: Uint8Array): Promise<string>;
  /** The app's thumbnail of a photo: 200×200 JPEG (see src/files/thumbnail.ts). */
  thumbnailOf(file: string): Promise<Uint8Array>;
  /**
   * What identifies a file's current content cheaply (Node: size, modification time, inode), so
   * the thumbnail and checksum made when a photo was recorded are used only for that very file
   * (src/files/recorded-photos.ts). Optional: without it both are made in the sync.
   */
  fileVersion?(file: string): Promise<string>;
}
