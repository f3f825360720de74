/** A single output file named by a flag: an unwritable path is exit 2 naming the flag, not an internal error. */
import path from 'node:path';
import { UsageError } from '../errors.js';
import { prepareOutDir } from './out-dir.js';

/** Writes `data` to `file` with `write` (atomic); failures become UsageError naming `flag`. */
export async function writeOutputFile(flag: string, file: string, data: string, write: (f: string, d: string) => Promise<void>): Promise<void> {
  await prepareOutDir(flag, path.dirname(file));
  try {
    await write(file, data);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`${flag}: cannot write ${file}: ${e.code === 'EISDIR' ? 'it is a directory' : e.message}`, {
      hint: `choose another path for ${flag}`,
    });
  }
}
