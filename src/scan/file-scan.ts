/**
 * Feeds files into a ChunkScanner: a byte range of a plain file (read straight into the scanner's buffer),
 * or a whole gzip file (streamed through gunzip). Runs the same in the main thread and in a worker.
 */
import { createReadStream, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { ChunkScanner } from './chunk-scanner.js';
import type { PartialResult, ScanParams } from './params.js';
import { createTsReader } from './timestamps.js';

export type ScanTask =
  | { kind: 'range'; path: string; start: number; end: number; params: ScanParams }
  | { kind: 'gzip'; path: string; params: ScanParams };

const BACK_BLOCK = 64 * 1024;

/** Runs one task (the unit a worker receives). */
export async function runTask(task: ScanTask): Promise<PartialResult> {
  if (task.kind === 'gzip') return scanGzip(task.path, task.params);
  const fh = await open(task.path, 'r');
  try {
    return await scanRange(fh, task.start, task.end, task.params);
  } finally {
    await fh.close();
  }
}

/**
 * Scans [start, end) of an open file; `start` must be a line start (0 or just after a LF). Lines at the start
 * that carry no timestamp take the one found by scanning back from `start`.
 */
export async function scanRange(fh: FileHandle, start: number, end: number, params: ScanParams): Promise<PartialResult> {
  const back = start > 0 ? await previousTimestamp(fh, start, params) : { ts: NaN, bytes: 0 };
  const sc = new ChunkScanner(params, start, back.ts);
  let pos = start;
  let bytes = back.bytes;
  // In a worker nothing else waits on this thread's event loop: a synchronous read (page cache memcpy) avoids
  // a thread-pool round trip per chunk. The main thread keeps reads asynchronous.
  const sync = !isMainThread;
  while (pos < end && !sc.stopped) {
    const want = Math.min(sc.space(), end - pos);
    const bytesRead = sync ? readSync(fh.fd, sc.buf, sc.len, want, pos) : (await fh.read(sc.buf, sc.len, want, pos)).bytesRead;
    if (bytesRead === 0) break; // the file shrank under us: scan what we have
    pos += bytesRead;
    bytes += bytesRead;
    sc.commit(bytesRead);
  }
  sc.finish();
  return sc.result(bytes);
}

/** Streams a gzip file through gunzip into the scanner; bytesRead counts compressed bytes. */
export async function scanGzip(path: string, params: ScanParams): Promise<PartialResult> {
  const sc = new ChunkScanner(params, 0, NaN);
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  const gunzip = createGunzip();
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
 * Timestamp of the last timestamped line before `start` (NaN when none), read backwards line by line, so a
 * range that begins inside a stack trace attributes it to the right entry.
 */
export async function previousTimestamp(fh: FileHandle, start: number, params: ScanParams): Promise<{ ts: number; bytes: number }> {
  const reader = createTsReader(params.ts, params.tsCapBytes);
  const block = Buffer.allocUnsafe(BACK_BLOCK);
  const head = Buffer.allocUnsafe(params.tsCapBytes);
  let blockStart = start;
  let blockLen = 0;
  let bytes = 0;
  let lineEnd = start - 1; // index of the LF that ends the line being examined
  while (lineEnd >= 0) {
    // Find the LF before lineEnd (or the file start) in cached backward blocks.
    let ls = -1;
    let searchTo = lineEnd - 1;
    while (ls < 0) {
      if (searchTo < 0) {
        ls = 0;
        break;
      }
      if (searchTo < blockStart || searchTo >= blockStart + blockLen) {
        blockStart = Math.max(0, searchTo + 1 - BACK_BLOCK);
        blockLen = (await fh.read(block, 0, searchTo + 1 - blockStart, blockStart)).bytesRead;
        bytes += blockLen;
      }
      const nl = block.subarray(0, blockLen).lastIndexOf(10, searchTo - blockStart);
      if (nl >= 0) ls = blockStart + nl + 1;
      else searchTo = blockStart - 1;
    }
    const want = Math.min(lineEnd - ls, params.tsCapBytes);
    const n = want > 0 ? (await fh.read(head, 0, want, ls)).bytesRead : 0;
    bytes += n;
    const ts = reader.value(head, 0, n);
    if (!Number.isNaN(ts)) return { ts, bytes };
    lineEnd = ls - 1;
  }
  return { ts: NaN, bytes };
}

/** First line start at or after `off` (reads from off-1 so an exact line start stays put); size when none. */
export async function alignToLineStart(fh: FileHandle, off: number, size: number): Promise<{ pos: number; bytes: number }> {
  if (off <= 0) return { pos: 0, bytes: 0 };
  const buf = Buffer.allocUnsafe(BACK_BLOCK);
  let bytes = 0;
  for (let from = off - 1; from < size; ) {
    const n = (await fh.read(buf, 0, Math.min(BACK_BLOCK, size - from), from)).bytesRead;
    bytes += n;
    if (n === 0) break;
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl >= 0) return { pos: from + nl + 1, bytes };
    from += n;
  }
  return { pos: size, bytes };
}
