import fs from 'node:fs';

/** A folder the tool must write (a device's database, media or cache) cannot be written. */
export class DataDirectoryError extends Error {
  override name = 'DataDirectoryError';
}

/**
 * Creates `dir` if needed and checks that this process may create files in it, so that a
 * read-only or misplaced data directory is reported up front, by path and reason, instead of as
 * SQLite's "unable to open database file" halfway through a command. Nothing is changed in a
 * folder that fails the check.
 */
export function ensureWritableDirectory(dir: string, file?: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    if (file && fs.existsSync(file)) fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const reason =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOTDIR' || code === 'EEXIST'
            ? 'a file is in the way of a folder'
            : code === 'ENOSPC'
              ? 'no space left on the device'
              : (error as Error).message;
    throw new DataDirectoryError(
      `Cannot write ${file && fs.existsSync(file) ? file : dir} (${reason}, ${code}). Fix its permissions or choose another data directory with --data-dir; nothing was changed.`,
    );
  }
}
