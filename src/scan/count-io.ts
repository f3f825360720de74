/**
 * Feeds the totals counter: a byte range of a plain file (read straight into the kernel's memory), or a gzip
 * file streamed through gunzip, optionally skipping the content before a resume point while checking that
 * the skipped bytes are the ones the point describes.
 */
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { LineCounter } from './count.js';
import { hashBytes, type FilePoint } from './identity.js';
import type { CountParams, CountResult } from './params.js';
import { zlib } from '../runtime/builtin.js';
import { openRegular, regularReadStream } from '../runtime/open-regular.js';

const SAMPLE = 256 * 1024;
const YIELD_EVERY = 4; // chunks between event-loop turns (a 4 MiB chunk scans in about a millisecond) // what the literal planner looks at to find each literal's rarest bytes

/** Counts [start, end) of an open plain file; `start` must be a line start. */
export async function countRange(fh: FileHandle, start: number, end: number, p: CountParams): Promise<CountResult> {
  const want = Math.min(SAMPLE, end - start);
  const sample = Buffer.allocUnsafe(want);
  const got = want > 0 ? (await fh.read(sample, 0, want, start)).bytesRead : 0;
  const c = new LineCounter(p, start, sample.subarray(0, got));
  let pos = start;
  let bytes = got;
  // Synchronous reads straight into the kernel's memory: an async read costs the calling thread more than the
  // copy it waits for (measured). The event loop still turns between chunks, so concurrent probes keep time.
  let n = 0;
  while (pos < end) {
    if (++n % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
    const bytesRead = readSync(fh.fd, c.buf, c.len, Math.min(c.space(), end - pos), pos);
    if (bytesRead === 0) break; // the file shrank under us: count what we have
    pos += bytesRead;
    bytes += bytesRead;
    c.commit(bytesRead);
  }
  return c.finish(bytes);
}

/** countRange on a path (the unit a worker thread receives). */
export async function countPath(path: string, start: number, end: number, p: CountParams): Promise<CountResult> {
  const fh = await openRegular(path);
  try {
    return await countRange(fh, start, end, p);
  } finally {
    await fh.close();
  }
}

export interface GzipCount {
  result: CountResult;
  /** Whether the skipped content matched `from` (false: the caller counts again from 0). */
  resumed: boolean;
  /** Hash of the first headLen content bytes (for the file's new point). */
  headLen: number;
  head: string;
}

/**
 * Streams a gzip file through the counter. With `from` (a point of the plain file this archive was rotated
 * from), content before from.offset is only hashed, not counted; `resumed` says whether it matched.
 */
export async function countGzip(path: string, p: CountParams, from: FilePoint | null, headBytes: number): Promise<GzipCount> {
  const skip = from ? from.offset : 0;
  const c = new LineCounter(p, skip, Buffer.alloc(0));
  const head: Buffer[] = [];
  let headGot = 0;
  const tail = Buffer.alloc(from ? from.tailLen : 0);
  let pos = 0;
  const raw = await regularReadStream(path, 256 * 1024);
  const gunzip = zlib().createGunzip();
  raw.pipe(gunzip);
  raw.on('error', (err) => gunzip.destroy(err));
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      if (headGot < headBytes) {
        const h = chunk.subarray(0, headBytes - headGot);
        head.push(Buffer.from(h));
        headGot += h.length;
      }
      const end = pos + chunk.length;
      if (pos < skip) {
        const ts = skip - tail.length; // copy the part of [ts, skip) inside this chunk
        const a = Math.max(pos, ts);
        const b = Math.min(end, skip);
        if (a < b) chunk.copy(tail, a - ts, a - pos, b - pos);
        if (end > skip) c.push(chunk.subarray(skip - pos));
      } else c.push(chunk);
      pos = end;
    }
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
  const headBuf = Buffer.concat(head);
  const resumed =
    from !== null &&
    pos >= skip &&
    headBuf.length >= from.headLen &&
    hashBytes(headBuf.subarray(0, from.headLen)) === from.head &&
    hashBytes(tail) === from.tail;
  return { result: c.finish(raw.bytesRead), resumed, headLen: headBuf.length, head: hashBytes(headBuf) };
}
