/**
 * Feeds files into a ChunkScanner (timestamps, window): a byte range of a plain file (read straight into the
 * scanner's buffer) or a whole gzip file (streamed through gunzip). Also the worker threads' task runner, whose
 * tasks are totals counts (count-io.ts).
 */
import type { FileHandle } from 'node:fs/promises';
import { ChunkScanner } from './chunk-scanner.js';
import { countPath } from './count-io.js';
import type { CountParams, CountResult, PartialResult, ScanParams } from './params.js';
import { createTsReader } from './timestamps.js';
import { zlib } from '../runtime/builtin.js';
import { regularReadStream } from '../runtime/open-regular.js';

/** The unit a worker thread receives: count a byte range of a plain file (the totals pass). */
export type ScanTask = { kind: 'count'; path: string; start: number; end: number; params: CountParams };

const BACK_BLOCK = 64 * 1024;
const READ_AHEAD = 1 << 20;

/** Runs one task (in a worker thread or this one). */
export async function runTask(task: ScanTask): Promise<CountResult> {
  return countPath(task.path, task.start, task.end, task.params);
}

/**
 * Scans [start, end) of an open file; `start` must be a line start (0 or just after a LF). Lines at the start
 * that carry no timestamp take the one found by scanning back from `start`.
 */
export async function scanRange(fh: FileHandle, start: number, end: number, params: ScanParams): Promise<PartialResult> {
  const back = start > 0 ? await previousTimestamp(fh, start, params) : { ts: NaN, bytes: 0 };
  const sc = new ChunkScanner(params, start, back.ts);
  const bytes = back.bytes + (params.windowOnly ? await readDirect(fh, start, end, sc) : await readAhead(fh, start, end, sc));
  sc.finish();
  return sc.result(bytes);
}

/** Reads straight into the scanner's buffer, chunk by chunk (window-only scans: read no more than needed). */
async function readDirect(fh: FileHandle, pos: number, end: number, sc: ChunkScanner): Promise<number> {
  let bytes = 0;
  while (pos < end && !sc.stopped) {
    const { bytesRead } = await fh.read(sc.buf, sc.len, Math.min(sc.space(), end - pos), pos);
    if (bytesRead === 0) break; // the file shrank under us: scan what we have
    pos += bytesRead;
    bytes += bytesRead;
    sc.commit(bytesRead);
  }
  return bytes;
}

/**
 * Full scans: double buffering. The next read is in flight (thread pool) while the current chunk is scanned,
 * so the disk and the CPU work at the same time; scanning between plain synchronous reads leaves the device
 * idle (measured: several times slower on a virtual disk without a warm page cache).
 */
async function readAhead(fh: FileHandle, pos: number, end: number, sc: ChunkScanner): Promise<number> {
  const size = Math.max(1, Math.min(READ_AHEAD, sc.buf.length, end - pos));
  const bufs = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
  const issue = (i: number) => {
    const want = Math.min(size, end - pos);
    const p = fh.read(bufs[i], 0, want, pos);
    pos += want;
    return { p, want, i };
  };
  let bytes = 0;
  let next = pos < end ? issue(0) : null;
  try {
    while (next) {
      const cur = next;
      next = null;
      const { bytesRead } = await cur.p;
      bytes += bytesRead;
      if (bytesRead === cur.want && pos < end) next = issue(1 - cur.i);
      sc.push(bufs[cur.i].subarray(0, bytesRead));
    }
  } finally {
    if (next) await next.p.catch(() => undefined); // never leave a read running into a buffer we drop
  }
  return bytes;
}

/** Streams a gzip file through gunzip into the scanner; bytesRead counts compressed bytes. */
export async function scanGzip(path: string, params: ScanParams): Promise<PartialResult> {
  const sc = new ChunkScanner(params, 0, NaN);
  const raw = await regularReadStream(path, 256 * 1024);
  const gunzip = zlib().createGunzip();
  raw.pipe(gunzip);
  raw.on('error', (err) => gunzip.destroy(err));
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      sc.push(chunk);
      if (sc.stopped) break;
    }
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
  sc.finish();
  return sc.result(raw.bytesRead);
}

/**
 * Timestamp of the last timestamped line before `start` (NaN when none), read backwards a block at a time, so a
 * range that begins inside a stack trace attributes it to the right entry.
 */
export async function previousTimestamp(fh: FileHandle, start: number, params: ScanParams): Promise<{ ts: number; bytes: number }> {
  if (params.ts.format === 'none') return { ts: NaN, bytes: 0 };
  const reader = createTsReader(params.ts, params.tsCapBytes);
  const cap = params.tsCapBytes;
  const block = Buffer.allocUnsafe(BACK_BLOCK);
  let bytes = 0;
  // The line [ls, e) is judged on its first `cap` bytes: from the block when they are in it, else read apart.
  const judge = async (ls: number, e: number, bs: number, blockEnd: number): Promise<number> => {
    const end = Math.min(e, ls + cap);
    if (end <= blockEnd) return reader.value(block, ls - bs, end - bs);
    const head = Buffer.allocUnsafe(end - ls);
    bytes += (await fh.read(head, 0, end - ls, ls)).bytesRead;
    return reader.value(head, 0, end - ls);
  };
  let e = start - 1; // the LF that ends the line being examined
  let blockEnd = e;
  for (;;) {
    const bs = Math.max(0, blockEnd - BACK_BLOCK);
    const n = blockEnd > bs ? (await fh.read(block, 0, blockEnd - bs, bs)).bytesRead : 0;
    bytes += n;
    for (let nl = n > 0 ? block.subarray(0, n).lastIndexOf(10) : -1; nl >= 0; nl = nl > 0 ? block.subarray(0, n).lastIndexOf(10, nl - 1) : -1) {
      const ts = await judge(bs + nl + 1, e, bs, bs + n);
      if (!Number.isNaN(ts)) return { ts, bytes };
      e = bs + nl;
    }
    if (bs === 0) return { ts: await judge(0, e, 0, n), bytes };
    blockEnd = bs;
  }
}

/** First line start at or after `off` (reads from off-1 so an exact line start stays put); size when none. */
export async function alignToLineStart(fh: FileHandle, off: number, size: number): Promise<{ pos: number; bytes: number }> {
  if (off <= 0) return { pos: 0, bytes: 0 };
  const buf = Buffer.allocUnsafe(BACK_BLOCK);
  let bytes = 0;
  for (let from = off - 1; from < size;) {
    const n = (await fh.read(buf, 0, Math.min(BACK_BLOCK, size - from), from)).bytesRead;
    bytes += n;
    if (n === 0) break;
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl >= 0) return { pos: from + nl + 1, bytes };
    from += n;
  }
  return { pos: size, bytes };
}
