/**
 * Exact per-file totals from a resume point: find the point a file continues (identity.ts), count only the
 * bytes after it (big ranges split over the thread pool), and return the file's new point. Used by the
 * checkpointed full scan (counts from the point plus the appended bytes) and by the appended-bytes scan of
 * the gate and chaos (the appended bytes alone, with their matching lines).
 */
import { openRegular } from '../runtime/open-regular.js';
import { readHead } from './detect.js';
import { alignToLineStart } from './file-scan.js';
import type { LogFile } from './files.js';
import { countGzip, countRange } from './count-io.js';
import { findGzipPoint, findPlainPoint, hashBytes, pointOf, HEAD_BYTES, type FilePoint } from './identity.js';
import type { CountParams, CountResult } from './params.js';
import type { ScanPool } from './pool.js';

export interface Splitter {
  pool: ScanPool;
  workers: number;
  /** Fixed range size (tests); default by size and cores. */
  rangeBytes?: number;
}

export interface FileCount {
  file: LogFile;
  /** The point the count resumed from (null: from the start). */
  from: FilePoint | null;
  /** Counts and lines in the bytes read (after `from`). */
  read: CountResult;
  /** The file's point now: counts and lines over [0, point.offset). */
  point: FilePoint;
  /** Totals over the whole file: from's counts plus everything read. */
  counts: number[];
  lines: number;
}

const PARALLEL_MIN = 32 << 20; // below this one thread counts: starting a worker would cost more
const MIN_RANGE = 8 << 20;
const RANGES_PER_THREAD = 4;
const LIGHT_LITERALS = 16; // one set of 8 Teddy buckets, or the pair kernel

/**
 * Whether a count is worth a second thread: only when the kernel, not the read, is the cost. Measured on the
 * project's 2-core VM (1 GiB, bench/scan.mjs): with up to 16 literals one thread scans at 2.5-4 GB/s and two were
 * slower end to end (1 literal 280 vs 450 ms; 13 literals 380 vs 570 ms: the worker's start-up and per-range kernel
 * set-up cost more than it saves), with 100 literals two were faster (1.3-1.7 s vs 1.1 s). Regexes run in JavaScript.
 */
export function countIsHeavy(p: CountParams): boolean {
  return !p.wasm || p.sigs.some((s) => s.regex) || p.sigs.length > LIGHT_LITERALS;
}

const add = (a: number[], b: number[]): number[] => a.map((x, i) => x + (b[i] ?? 0));

/** Counts [start, end) of a plain file, split into line-aligned ranges over the pool when big. */
async function countSplit(f: LogFile, start: number, end: number, p: CountParams, sp: Splitter): Promise<CountResult> {
  const len = end - start;
  // Nothing appended since the checkpoint (the common case of a quiet daemon): no kernel to build, nothing to read.
  if (len <= 0) {
    const zero = p.sigs.map(() => 0);
    return { counts: zero, lines: 0, committedOffset: start, committedCounts: zero, committedLines: 0, bytesRead: 0, hits: [] };
  }
  const serial = len < PARALLEL_MIN || sp.workers <= 1 || !countIsHeavy(p);
  const target = sp.rangeBytes ?? (serial ? len : Math.max(MIN_RANGE, Math.ceil(len / (RANGES_PER_THREAD * sp.workers))));
  const n = target > 0 ? Math.max(1, Math.ceil(len / target)) : 1;
  const fh = await openRegular(f.path);
  try {
    if (n === 1) return await countRange(fh, start, end, p);
    const cuts = [start];
    let extra = 0;
    for (let k = 1; k < n; k++) {
      const a = await alignToLineStart(fh, start + Math.floor((len * k) / n), end);
      extra += a.bytes;
      if (a.pos > cuts[cuts.length - 1] && a.pos < end) cuts.push(a.pos);
    }
    const settled = await Promise.allSettled(cuts.map((s, i) => sp.pool.run({ kind: 'count', path: f.path, start: s, end: cuts[i + 1] ?? end, params: p })));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const parts = settled.map((r) => (r as PromiseFulfilledResult<CountResult>).value);
    // Every range but the last ends after a LF: its counts are all committed.
    const last = parts[parts.length - 1];
    const before = parts.slice(0, -1);
    const zero = p.sigs.map(() => 0);
    return {
      counts: parts.reduce((acc, r) => add(acc, r.counts), zero),
      lines: parts.reduce((n2, r) => n2 + r.lines, 0),
      committedOffset: last.committedOffset,
      committedCounts: add(
        before.reduce((acc, r) => add(acc, r.counts), zero),
        last.committedCounts,
      ),
      committedLines: before.reduce((n2, r) => n2 + r.lines, 0) + last.committedLines,
      bytesRead: parts.reduce((n2, r) => n2 + r.bytesRead, extra),
      hits: parts.flatMap((r) => r.hits),
    };
  } finally {
    await fh.close();
  }
}

/**
 * The point a file continues, among `points` not in `used` (marked used), or null (count from the start).
 * Resolve files one at a time, newest first, so the live file claims its own inode.
 */
export async function resolvePoint(f: LogFile, points: FilePoint[], used: Set<FilePoint>): Promise<FilePoint | null> {
  if (!f.gzip) return findPlainPoint(f, points, used);
  const same = findGzipPoint(f, points, used);
  if (same) return same;
  // A plain file this archive was rotated from has the same first bytes; countFrom checks the rest.
  const head = await readHead(f.path, true);
  const from = points.find((q) => !used.has(q) && !q.gzip && head.length >= q.headLen && hashBytes(head.subarray(0, q.headLen)) === q.head) ?? null;
  if (from) used.add(from);
  return from;
}

/** Counts a file after `from` (null: all of it); returns the totals and the file's new point. */
export async function countFrom(f: LogFile, from: FilePoint | null, p: CountParams, sp: Splitter): Promise<FileCount> {
  const zero = p.sigs.map(() => 0);
  const base = (q: FilePoint | null) => (q && q.counts.length === zero.length ? q.counts : zero);
  if (f.gzip && from?.gzip) {
    const read: CountResult = { counts: zero, lines: 0, committedOffset: from.offset, committedCounts: zero, committedLines: 0, bytesRead: 0, hits: [] };
    return { file: f, from, read, point: { ...from }, counts: base(from), lines: from.lines };
  }
  if (f.gzip) {
    let g = await countGzip(f.path, p, from, HEAD_BYTES);
    if (from && !g.resumed) g = await countGzip(f.path, p, null, HEAD_BYTES); // not the file it seemed to be
    const start = from && g.resumed ? from : null;
    const r = g.result;
    const point: FilePoint = {
      dev: f.dev,
      ino: f.ino,
      gzip: true,
      size: f.size,
      mtimeMs: f.mtimeMs,
      headLen: g.headLen,
      head: g.head,
      offset: r.committedOffset,
      tailLen: 0,
      tail: hashBytes(Buffer.alloc(0)),
      lines: (start?.lines ?? 0) + r.committedLines,
      counts: add(base(start), r.committedCounts),
    };
    return { file: f, from: start, read: r, point, counts: add(base(start), r.counts), lines: (start?.lines ?? 0) + r.lines };
  }
  const start = from ? from.offset : 0;
  const r = await countSplit(f, start, f.size, p, sp);
  const fh = await openRegular(f.path);
  try {
    const point = await pointOf(fh, f, r.committedOffset, (from?.lines ?? 0) + r.committedLines, add(base(from), r.committedCounts));
    return { file: f, from, read: r, point, counts: add(base(from), r.counts), lines: (from?.lines ?? 0) + r.lines };
  } finally {
    await fh.close();
  }
}
