/**
 * Output directories named by a flag (--out-dir, --dir): created up front and proven writable, so an unusable one is
 * a usage error naming the flag (exit 2) before any work starts, never an internal error half-way through.
 */
import { constants, promises as fsp } from 'node:fs';
import { UsageError } from '../errors.js';
import { makeDirs } from '../runtime/mkdirp.js';

function reason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a file is in the way';
    case 'ENOENT':
      return 'a parent cannot hold directories';
    case 'ENOSPC':
      return 'no space left on device';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return err.message;
  }
}

/** Creates `dir` (and its parents) and checks it is writable; throws UsageError naming `flag` otherwise. */
export async function prepareOutDir(flag: string, dir: string): Promise<void> {
  try {
    await makeDirs(dir);
    await fsp.access(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${flag}: cannot write to ${dir}: ${reason(err as NodeJS.ErrnoException)}`, { hint: `choose a writable directory for ${flag}` });
  }
}
