/** Reading a lane's output files: bounded tails, never through a symlink (a target could plant one to a secret). */
import { constants, promises as fsp } from 'node:fs';

const TAIL_BYTES = 64 * 1024;

/** The last `bytes` of a file as UTF-8 ('' when it is missing, unreadable or a symlink). */
export async function readTail(file: string, bytes = TAIL_BYTES): Promise<string> {
  const buf = await readTailBytes(file, bytes);
  return buf ? buf.data.toString('utf8') : '';
}

/** The last `bytes` of a file and the offset they start at (null when missing, unreadable or a symlink). */
export async function readTailBytes(file: string, bytes: number): Promise<{ data: Buffer; start: number } | null> {
  try {
    const h = await fsp.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    try {
      const { size } = await h.stat();
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
