import fs from 'node:fs';
import { sha256Buffer, sha256File } from './checksum';
import type { MediaFiles } from './media-files';
import { makeThumbnail } from './thumbnail';

/** The media-files port in Node: files through node:fs, SHA-256 by node:crypto, thumbnails by sharp. */
export const nodeMediaFiles: MediaFiles = {
  async sizeOf(file) {
    await fs.promises.access(file, fs.constants.R_OK);
    return (await fs.promises.stat(file)).size;
  },
  sha256OfFile: sha256File,
  sha256OfBytes: async (bytes) => sha256Buffer(bytes),
  thumbnailOf: makeThumbnail,
  async fileVersion(file) {
    const stat = await fs.promises.stat(file, { bigint: true });
    return `${stat.size}:${stat.mtimeNs}:${stat.ino}`;
  },
};
