/**
 * Opening files that must be regular files (log files, scan checkpoints). A FIFO blocks its opener until a
 * writer comes and each read until it writes; a device may never end; a socket cannot be opened at all. Each is
 * refused before it can block: the path is stat'ed first (nothing is opened that is not a regular file), then
 * opened non-blocking and the open descriptor fstat'ed, so a path swapped for a FIFO between the check and the
 * open is refused as well.
 */
import { constants as fsc, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';

/** What a non-regular file is, in a word or two ("FIFO", "socket", "device", "directory"). */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return 'special file';
}

/** A path that exists but is not a regular file (code ENOTREG; a directory keeps EISDIR). */
export class NotRegularFileError extends Error {
  readonly code: string;
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    super(kind === 'directory' ? 'is a directory' : `not a regular file (${kind})`);
    this.code = kind === 'directory' ? 'EISDIR' : 'ENOTREG';
  }
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer (it has no effect on a regular file).
// O_NOCTTY: a terminal device opened by mistake never becomes hunt's controlling terminal.
const FLAGS = fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0) | (fsc.O_NOCTTY ?? 0);

/** Opens `file` for reading if it is a regular file; NotRegularFileError otherwise (see the module doc). */
export async function openRegular(file: string): Promise<FileHandle> {
  const before = await stat(file);
  if (!before.isFile()) throw new NotRegularFileError(file, fileKind(before));
  const fh = await open(file, FLAGS);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFileError(file, fileKind(st));
    return fh;
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/**
 * A JSON file hunt itself keeps (a scan checkpoint, a remembered detection, a validated profile), or null when it
 * is absent, not a regular file, does not parse, or (`ownOnly`) is not this user's alone: another user's file or one
 * others may write is never trusted. The caller then recomputes; a state file never fails a run.
 */
export async function readStateJson(file: string, o: { ownOnly?: boolean } = {}): Promise<unknown> {
  try {
    const fh = await openRegular(file); // a FIFO planted in a state directory must not hang the run
    try {
      if (o.ownOnly) {
        const st = await fh.stat();
        const uid = process.getuid?.();
        if ((uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return null;
      }
      return JSON.parse(await fh.readFile('utf8')) as unknown;
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

/** A read stream of a regular file (openRegular's checks; the stream closes the file when it ends or is destroyed). */
export async function regularReadStream(file: string, highWaterMark?: number): Promise<ReadStream> {
  const fh = await openRegular(file);
  return fh.createReadStream(highWaterMark ? { highWaterMark } : {});
}
