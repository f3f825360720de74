/**
 * Reading a lane's output files: bounded tails, never through a symlink (a target could plant one to a secret), never
 * from a FIFO or device (opened non-blocking and refused after fstat: a target could leave a pipe where its log was).
 */
import { constants, promises as fsp } from 'node:fs';

const TAIL_BYTES = 64 * 1024;

/** The last `bytes` of a file as UTF-8 ('' when it is missing, unreadable or a symlink). */
export async function readTail(file: string, bytes = TAIL_BYTES): Promise<string> {
  const buf = await readTailBytes(file, bytes);
  return buf ? buf.data.toString('utf8') : '';
}

/** The last `bytes` of a file and the offset they start at (null when missing, unreadable, a symlink or not a regular file). */
export async function readTailBytes(file: string, bytes: number): Promise<{ data: Buffer; start: number } | null> {
  try {
    const h = await fsp.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    try {
      const st = await h.stat();
      if (!st.isFile()) return null;
      const { size } = st;
      const start = Math.max(0, size - bytes);
      const data = Buffer.alloc(size - start);
      await h.read(data, 0, data.length, start);
      return { data, start };
    } finally {
      await h.close();
    }
  } catch {
    return null;
  }
}

/** Pure: the last `max` characters of text, marked when trimmed. */
export function lastChars(text: string, max: number): string {
  const t = text.replace(/\s+$/, '');
  return t.length > max ? `...${t.slice(t.length - max)}` : t;
}

/** The size of a file in bytes (0 when it is missing or a symlink). */
export async function fileSize(file: string): Promise<number> {
  try {
    const st = await fsp.lstat(file);
    return st.isFile() ? st.size : 0;
  } catch {
    return 0;
  }
}

/**
 * The text appended to a file since `offset` (its last `max` bytes at most); the whole file when it shrank below
 * the offset (rotated or truncated since). '' when missing, unreadable or a symlink.
 */
export async function readSince(file: string, offset: number, max = TAIL_BYTES * 4): Promise<string> {
  const tail = await readTailBytes(file, max);
  if (!tail) return '';
  const end = tail.start + tail.data.length;
  if (end < offset) return tail.data.toString('utf8');
  return tail.data.subarray(Math.max(0, offset - tail.start)).toString('utf8');
}
