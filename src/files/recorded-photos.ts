import type { MediaFiles } from './media-files';

/**
 * A photo's thumbnail and checksum, made when the photo is recorded and kept until its upload
 * takes them (issue 19: off the sync's critical path). Decoding a 12 MP JPEG costs ~27-85 ms of
 * CPU, and an upload slot hashes the photo before its first byte can go up (the checksum is in
 * the object's metadata); made inside the sync, that time is taken from the uploads (and, on a
 * 2-core machine, from the emulators beside them). Made at recording, as a camera flow would, the
 * sync only uploads.
 *
 * What is kept is tied to the file as it was read (`fileVersion`: size, modification time and
 * inode in Node), so a photo replaced at the same path after it was recorded is read again, never
 * sent with the old picture's thumbnail or checksum. Kept in memory, at most `limit` photos
 * (~10 KB each), each part taken once: a restart, a port without `fileVersion`, a file that cannot
 * be read or decoded yet, or an upload retried simply make them in the sync as before (and report
 * why they cannot).
 */
export class RecordedPhotos {
  private readonly kept = new Map<
    string,
    { version: string; thumbnail: Uint8Array | null; sha256: string | null }
  >();

  constructor(
    private readonly files: MediaFiles,
    private readonly limit = 256,
  ) {}

  /** The port the sync uses: thumbnails and checksums answered from what was kept while it fits. */
  get port(): MediaFiles {
    return {
      ...this.files,
      thumbnailOf: async (file) =>
        ((await this.take(file, 'thumbnail')) as Uint8Array | null) ?? this.files.thumbnailOf(file),
      sha256OfFile: async (file) =>
        ((await this.take(file, 'sha256')) as string | null) ?? this.files.sha256OfFile(file),
    };
  }

  /** Makes and keeps the thumbnail and checksum of a photo just recorded. Never throws. */
  async keep(file: string): Promise<void> {
    const versionOf = this.files.fileVersion;
    if (!versionOf) return;
    try {
      const version = await versionOf(file);
      const [thumbnail, sha256] = await Promise.all([
        this.files.thumbnailOf(file),
        this.files.sha256OfFile(file),
      ]);
      // Changed while it was read: what was read may be neither version.
      if ((await versionOf(file)) !== version) return;
      this.kept.delete(file);
      if (this.kept.size >= this.limit) {
        const oldest = this.kept.keys().next().value;
        if (oldest !== undefined) this.kept.delete(oldest);
      }
      this.kept.set(file, { version, thumbnail, sha256 });
    } catch {
      // Not kept: the upload makes them, and reports what is wrong with the file if it cannot.
    }
  }

  /** The part kept for `file` if the file is still the one read; each part is taken once. */
  private async take(
    file: string,
    part: 'thumbnail' | 'sha256',
  ): Promise<Uint8Array | string | null> {
    const kept = this.kept.get(file);
    const value = kept?.[part] ?? null;
    if (!kept || value === null) return null;
    kept[part] = null;
    if (kept.thumbnail === null && kept.sha256 === null) this.kept.delete(file);
    const now = await this.files.fileVersion?.(file).catch(() => null);
    return now === kept.version ? value : null;
  }
}
