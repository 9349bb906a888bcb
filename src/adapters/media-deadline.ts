import type { MediaStore } from '../files/media-store';

/**
 * A client-side deadline on every MediaStore call. The Storage JS SDK in Node sends its requests
 * with fetch() and cannot abort them (its FetchConnection.abort() is a no-op), so on a network
 * that accepts and never answers (a black hole) its own retry timeout never fires and the call
 * hangs for good. Bounded here, the call fails as `deadline-exceeded` (retryable) and the
 * engine's RetryHandler takes over. An abandoned upload may still land later; the uploader
 * compares checksums before uploading again (src/sync/upload-media.ts), so it is not doubled.
 */
export function withMediaDeadline(media: MediaStore, ms: number): MediaStore {
  const bounded = <T>(what: string, call: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            Object.assign(new Error(`DEADLINE_EXCEEDED: ${what} got no answer within ${ms} ms`), {
              code: 'deadline-exceeded',
            }),
          ),
        ms,
      );
      timer.unref?.();
      call().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  return {
    stat: (path) => bounded(`Storage stat ${path}`, () => media.stat(path)),
    uploadFile: (path, ...rest) =>
      bounded(`Storage upload ${path}`, () => media.uploadFile(path, ...rest)),
    uploadBuffer: (path, ...rest) =>
      bounded(`Storage upload ${path}`, () => media.uploadBuffer(path, ...rest)),
    download: (path, file) => bounded(`Storage download ${path}`, () => media.download(path, file)),
    delete: (path) => bounded(`Storage delete ${path}`, () => media.delete(path)),
  };
}
