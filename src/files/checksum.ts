import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-256 of a file, streamed (large media is never held in memory). Hex. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
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
