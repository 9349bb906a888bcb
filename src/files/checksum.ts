import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Read size for hashing: 1 MiB instead of the stream's 64 KiB. Each chunk is a read on libuv's
 * threadpool and a turn of the event loop, and an upload step hashes a photo before it can send
 * it: beside four uploads and the in-process Storage emulator a 2.5 MB photo took 137-156 ms
 * (p50) to hash in 64 KiB chunks (issue 19, files). Memory stays bounded (1 MiB per hash).
 */
const HASH_READ_BYTES = 1 << 20;

/** SHA-256 of a file, streamed (large media is never held in memory). Hex. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: HASH_READ_BYTES })
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export function sha256Buffer(buffer: Uint8Array): string {
  return createHash('sha256').update(buffer).digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Every object this project uploads carries its checksum: downloads verify against it, and a file
 * without one can only be reported as unverified. So a store refuses to upload without a
 * well-formed one (lowercase hex, as sha256File and sha256Buffer produce) — a broken contract.
 */
export function assertSha256(sha256: string, objectPath: string): void {
  if (!SHA256_HEX.test(sha256)) {
    throw new Error(
      `Refusing to upload ${objectPath} without its SHA-256 (64 lowercase hex digits; got ${JSON.stringify(sha256.slice(0, 80))}).`,
    );
  }
}
