/**
 * The one seam through which the engine opens log files. Discovery only lists paths whose real
 * path lies inside the allowed directories, but a file can be swapped between listing and opening
 * (a symlink dropped in place of a rotated file, a FIFO named like a log). So every open:
 * - refuses a symlink as the last component (O_NOFOLLOW), so a swapped-in link is never followed;
 * - never blocks (O_NONBLOCK: opening a FIFO without a writer would wait forever);
 * - accepts regular files only (fstat after open);
 * - when the allowed directories are given, checks the real path once more after opening.
 */
import { constants, fstatSync, openSync, closeSync, realpathSync } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { sep } from 'node:path';

/** Read-only, no symlink as last component, never block on open. */
export const SAFE_OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export class UnsafeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function outside(path: string, real: string, allowed: string[] | undefined): UnsafeFileError | undefined {
  return allowed !== undefined && !allowed.some((dir) => isInside(real, dir))
    ? new UnsafeFileError(`${path} resolves outside the log roots and is not read`)
    : undefined;
}

/** Opens a log file for reading (see the module comment). Throws instead of opening anything else. */
export async function openLogFile(path: string, allowed?: string[]): Promise<FileHandle> {
  const fh = await open(path, SAFE_OPEN_FLAGS);
  try {
    if (!(await fh.stat()).isFile()) {
      throw new UnsafeFileError(`${path} is not a regular file`);
    }
    const escaped = allowed && outside(path, await realpath(path), allowed);
    if (escaped) {
      throw escaped;
    }
    return fh;
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** `openLogFile` for synchronous callers (diagnostics); returns a file descriptor. */
export function openLogFileSync(path: string, allowed?: string[]): number {
  const fd = openSync(path, SAFE_OPEN_FLAGS);
  try {
    if (!fstatSync(fd).isFile()) {
      throw new UnsafeFileError(`${path} is not a regular file`);
    }
    const escaped = allowed && outside(path, realpathSync(path), allowed);
    if (escaped) {
      throw escaped;
    }
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
