/**
 * Positions in a log file that survive rotation: a FilePoint names a file by device and inode and by content
 * (a hash of its first bytes and of the bytes just before the position), the approach of Filebeat's registry
 * and fluent-bit's tail database. A point is trusted only when the current file still starts with the same
 * bytes, still holds the same bytes before the position and is not shorter: appends keep it, while rotation,
 * truncation, copy-truncate and a rewrite are detected (the file is then read from its start).
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { openRegular } from '../runtime/open-regular.js';
import type { LogFile } from './files.js';

/** Bytes hashed at the head of a file and just before a point. */
export const HEAD_BYTES = 1024;
export const TAIL_BYTES = 1024;

export interface FilePoint {
  dev: number;
  ino: number;
  gzip: boolean;
  /** File size and mtime when the point was taken (compressed size for gzip). */
  size: number;
  mtimeMs: number;
  /** sha256 (hex, 32 chars kept) of the first headLen bytes of the content (decompressed for gzip). */
  headLen: number;
  head: string;
  /** Content bytes up to the end of the last complete line. */
  offset: number;
  /** sha256 of the tailLen bytes before `offset`. */
  tailLen: number;
  tail: string;
  /** Lines and per-signature counts in [0, offset) (checkpoints; marks leave counts empty). */
  lines: number;
  counts: number[];
}

/** Short content hash. */
export function hashBytes(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex').slice(0, 32);
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The point at `offset` of an open plain file (hashes read from the file). */
export async function pointOf(fh: FileHandle, f: LogFile, offset: number, lines: number, counts: number[]): Promise<FilePoint> {
  const headLen = Math.min(HEAD_BYTES, offset);
  const tailLen = Math.min(TAIL_BYTES, offset);
  const head = hashBytes(await readAt(fh, 0, headLen));
  const tail = hashBytes(await readAt(fh, offset - tailLen, tailLen));
  return { dev: f.dev, ino: f.ino, gzip: false, size: f.size, mtimeMs: f.mtimeMs, headLen, head, offset, tailLen, tail, lines, counts };
}

/** Whether a plain file still holds the content `p` describes up to p.offset. */
async function plainHolds(fh: FileHandle, f: LogFile, p: FilePoint): Promise<boolean> {
  if (p.gzip || f.size < p.offset) return false;
  // Same file, same size, touched since: rewritten in place (an append would have grown it).
  if (p.dev === f.dev && p.ino === f.ino && f.size === p.size && f.mtimeMs !== p.mtimeMs) return false;
  const head = await readAt(fh, 0, p.headLen);
  if (head.length !== p.headLen || hashBytes(head) !== p.head) return false;
  const tail = await readAt(fh, p.offset - p.tailLen, p.tailLen);
  return tail.length === p.tailLen && hashBytes(tail) === p.tail;
}

/**
 * The point, among `points` not yet used, that a plain file resumes from: the same inode first (appended
 * or renamed by rotation), then any with the same content (a copy made by copy-truncate). null: read from 0.
 */
export async function findPlainPoint(f: LogFile, points: FilePoint[], used: Set<FilePoint>): Promise<FilePoint | null> {
  const free = points.filter((p) => !used.has(p) && !p.gzip);
  if (free.length === 0) return null;
  const ordered = [...free.filter((p) => p.dev === f.dev && p.ino === f.ino), ...free.filter((p) => p.dev !== f.dev || p.ino !== f.ino)];
  const fh = await openRegular(f.path);
  try {
    for (const p of ordered) {
      if (await plainHolds(fh, f, p)) {
        used.add(p);
        return p;
      }
    }
  } finally {
    await fh.close();
  }
  return null;
}

/** A gzip file unchanged since its point was taken (its counts cover the whole content). */
export function findGzipPoint(f: LogFile, points: FilePoint[], used: Set<FilePoint>): FilePoint | null {
  const p = points.find((q) => !used.has(q) && q.gzip && q.dev === f.dev && q.ino === f.ino && q.size === f.size && q.mtimeMs === f.mtimeMs);
  if (p) used.add(p);
  return p ?? null;
}
