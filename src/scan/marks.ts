/**
 * "What was logged since then": a LogMark records where every file of the sources ends (its last complete
 * line) by identity and content (identity.ts); scanAppended reads exactly the bytes appended after the
 * first mark, wherever rotation moved them (renamed, compressed, copy-truncated; a file that is new or no
 * longer recognisable is read from its start), and returns the matching lines, redacted, each attributed to
 * the interval between marks it was appended in. The release gate marks at T0 and at each phase boundary;
 * staging-chaos marks before a signal. Marks are plain JSON: a journal can store them for resume.
 */
import { openRegular } from '../runtime/open-regular.js';
import type { Redactor } from '../runtime/redact.js';
import { readHead } from './detect.js';
import { describeReadError, discoverFiles, type LogFile } from './files.js';
import { hashBytes, HEAD_BYTES, pointOf, type FilePoint } from './identity.js';
import { finishSample } from './merge.js';
import { sigSpecs, type CountParams } from './params.js';
import { defaultWorkers, ScanPool } from './pool.js';
import { countFrom, resolvePoint } from './totals.js';
import type { ScanSignature, ScanSource } from './types.js';

export interface LogMark {
  kind: 'hunt-log-mark';
  version: 1;
  /** When the mark was taken (ISO; the caller's clock). */
  takenAt: string;
  sources: Array<{ source: string; path: string; files: FilePoint[] }>;
}

/** An archive in a mark holds everything it will ever hold: any line found in it came before the mark. */
const WHOLE = Number.MAX_SAFE_INTEGER;

async function lastLineEnd(f: LogFile): Promise<number> {
  const fh = await openRegular(f.path);
  try {
    const block = Buffer.allocUnsafe(64 * 1024);
    for (let end = f.size; end > 0;) {
      const start = Math.max(0, end - block.length);
      const { bytesRead } = await fh.read(block, 0, end - start, start);
      const nl = block.subarray(0, bytesRead).lastIndexOf(10);
      if (nl >= 0) return start + nl + 1;
      end = start;
    }
    return 0;
  } finally {
    await fh.close();
  }
}

async function markFile(f: LogFile): Promise<FilePoint> {
  if (f.gzip) {
    const head = (await readHead(f.path, true)).subarray(0, HEAD_BYTES);
    return {
      dev: f.dev,
      ino: f.ino,
      gzip: true,
      size: f.size,
      mtimeMs: f.mtimeMs,
      headLen: head.length,
      head: hashBytes(head),
      offset: WHOLE,
      tailLen: 0,
      tail: hashBytes(Buffer.alloc(0)),
      lines: 0,
      counts: [],
    };
  }
  const offset = await lastLineEnd(f);
  const fh = await openRegular(f.path);
  try {
    return await pointOf(fh, f, offset, 0, []);
  } finally {
    await fh.close();
  }
}

/** Marks the end of every file of `sources` (unreadable files are left out: everything in them counts as new). */
export async function markLogs(sources: ScanSource[], atMs: number): Promise<LogMark> {
  const out: LogMark = { kind: 'hunt-log-mark', version: 1, takenAt: new Date(atMs).toISOString(), sources: [] };
  for (const src of sources) {
    const found = await discoverFiles(src.path, src.rotated);
    const files: FilePoint[] = [];
    for (const f of found.files) files.push(await markFile(f).catch(() => null as unknown as FilePoint));
    out.sources.push({ source: src.source, path: src.path, files: files.filter(Boolean) });
  }
  return out;
}

export interface AppendedLine {
  signature: string;
  source: string;
  file: string;
  /** Byte offset of the line in the file's content. */
  offset: number;
  /** Index of the last mark before the line was appended (0: after marks[0], before marks[1], ...). */
  interval: number;
  /** The line, ANSI-stripped, redacted, capped. */
  line: string;
}

export interface AppendedResult {
  /** Per signature (order of `signatures`): lines matched in the appended bytes, and up to maxLines of them. */
  signatures: Array<{ name: string; source: string; count: number; lines: AppendedLine[] }>;
  sources: Array<{ source: string; files: string[]; bytesRead: number; missing: boolean; error?: string; readFromStart: string[] }>;
}

export interface AppendedOptions {
  redact: Redactor;
  /** Lines kept per signature (default 5). */
  maxLines?: number;
  /** Threads for big appended ranges (default: cores). */
  workers?: number;
}

const pointsOf = (mark: LogMark, src: ScanSource): FilePoint[] => mark.sources.find((s) => s.source === src.source && s.path === src.path)?.files ?? [];

/** Matches of `signatures` in the bytes appended to the sources' files since marks[0], attributed to intervals. */
export async function scanAppended(sources: ScanSource[], signatures: ScanSignature[], marks: LogMark[], opts: AppendedOptions): Promise<AppendedResult> {
  if (marks.length === 0) throw new Error('scanAppended needs at least one mark');
  const maxLines = opts.maxLines ?? 5;
  const workers = opts.workers ?? defaultWorkers();
  const pool = new ScanPool(workers);
  const result: AppendedResult = { signatures: signatures.map((s) => ({ name: s.name, source: s.source, count: 0, lines: [] })), sources: [] };
  try {
    for (const src of sources) {
      const idx = signatures.flatMap((s, i) => (s.source === src.source ? [i] : []));
      const info: AppendedResult['sources'][number] = { source: src.source, files: [], bytesRead: 0, missing: false, readFromStart: [] };
      result.sources.push(info);
      const found = await discoverFiles(src.path, src.rotated);
      info.missing = found.liveMissing;
      if (found.errors.length) info.error = found.errors.join('; ');
      if (idx.length === 0 || found.files.length === 0) continue;
      const p: CountParams = { sigs: sigSpecs(idx.map((i) => signatures[i])), chunkSize: 4 << 20, keepLines: maxLines, lineBytes: 2000, wasm: true };
      // Where each current file stood at every mark (newest first, so the live file claims its own inode).
      const first = new Map<LogFile, FilePoint | null>();
      const at = marks.map(() => new Map<LogFile, number>());
      for (let k = 0; k < marks.length; k++) {
        const used = new Set<FilePoint>();
        for (const f of [...found.files].reverse()) {
          const q = await resolvePoint(f, pointsOf(marks[k], src), used).catch(() => null);
          at[k].set(f, q ? q.offset : 0);
          if (k === 0) first.set(f, q);
        }
      }
      for (const f of found.files) {
        try {
          const from = first.get(f) ?? null;
          if (!from) info.readFromStart.push(f.path);
          const c = await countFrom(f, from, p, { pool, workers });
          info.files.push(f.path);
          info.bytesRead += c.read.bytesRead;
          c.read.counts.forEach((n, k) => (result.signatures[idx[k]].count += n));
          for (const h of c.read.hits) {
            const out = result.signatures[idx[h.sig]];
            if (out.lines.length >= maxLines) continue;
            let interval = 0;
            for (let k = 1; k < marks.length; k++) if ((at[k].get(f) ?? 0) <= h.offset) interval = k;
            out.lines.push({ signature: out.name, source: src.source, file: f.path, offset: h.offset, interval, line: finishSample(h.text, opts.redact) });
          }
        } catch (err) {
          info.error = info.error ? `${info.error}; ${describeReadError(err, f.path)}` : describeReadError(err, f.path);
        }
      }
    }
  } finally {
    await pool.close();
  }
  return result;
}
