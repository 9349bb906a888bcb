import type { MediaFiles } from './media-files';

/**
 * Photo thumbnails made when the photo is recorded, kept until the upload takes them (issue 19:
 * thumbnailing off the sync's critical path). Decoding a 12 MP JPEG costs ~27 ms of CPU here;
 * made inside the sync, that CPU is taken from the uploads (and, on a 2-core machine, from the
 * emulators beside them). Made at recording, as a camera flow would, the sync only uploads.
 *
 * What is kept is tied to the file as it was decoded (`fileVersion`: size and modification time
 * in Node), so a photo replaced at the same path after it was recorded is decoded again, never
 * sent with the old picture's thumbnail. Kept in memory, at most `limit` (~10 KB each), each
 * taken once: a restart, a port without `fileVersion`, a file that cannot be decoded yet, or an
 * upload retried simply make the thumbnail in the sync as before (and report why it cannot).
 */
export class RecordedThumbnails {
  private readonly kept = new Map<string, { version: string; bytes: Uint8Array }>();

  constructor(
    private readonly files: MediaFiles,
    private readonly limit = 256,
  ) {}

  /** The port the sync uses: `thumbnailOf` answers from what was kept while it still fits. */
  get port(): MediaFiles {
    return { ...this.files, thumbnailOf: (file) => this.thumbnailOf(file) };
  }

  /** Makes and keeps the thumbnail of a photo just recorded. Never throws: the sync makes it then. */
  async keep(file: string): Promise<void> {
    const versionOf = this.files.fileVersion;
    if (!versionOf) return;
    try {
      const version = await versionOf(file);
      const bytes = await this.files.thumbnailOf(file);
      // Changed while it was decoded: what was decoded may be neither version.
      if ((await versionOf(file)) !== version) return;
      this.kept.delete(file);
      if (this.kept.size >= this.limit) {
        const oldest = this.kept.keys().next().value;
        if (oldest !== undefined) this.kept.delete(oldest);
      }
      this.kept.set(file, { version, bytes });
    } catch {
      // Not kept: the upload makes it, and reports what is wrong with the file if it cannot.
    }
  }

  /** How many are kept (for tests and the bench's note). */
  get size(): number {
    return this.kept.size;
  }

  private async thumbnailOf(file: string): Promise<Uint8Array> {
    const kept = this.kept.get(file);
    if (kept) {
      this.kept.delete(file);
      const now = await this.files.fileVersion?.(file).catch(() => null);
      if (now === kept.version) return kept.bytes;
    }
    return this.files.thumbnailOf(file);
  }
}
