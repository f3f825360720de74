/**
 * Window seek for a time-ordered plain file: sample timestamps at evenly spaced offsets to decide whether the
 * file is ordered, then binary-search byte offsets (each probe reads a small block and resyncs to the next
 * line start) for the last line that is older than the window start minus the order slack. The caller scans
 * from there and stops past the window; if that scan sees disorder it falls back to a full scan.
 */
import type { FileHandle } from 'node:fs/promises';
import { ORDER_SLACK_MS } from './line-walk.js';
import { alignToLineStart } from './file-scan.js';
import type { ScanParams } from './params.js';
import { createTsReader, type TsReader } from './timestamps.js';

const PROBE_BLOCK = 4096;
const PROBE_LIMIT = 1 << 20; // give up on a probe after this many bytes without a timestamp
const SAMPLES = 16;
const MIN_SEEK_SIZE = 256 * 1024; // below this a seek saves nothing

export interface SeekPlan {
  ordered: boolean;
  /** Line start to scan from (0 when not ordered). */
  start: number;
  /** Whether the binary search ran (false for small files, scanned from their start in window mode). */
  searched: boolean;
  /** Timestamp of the first timestamped line of the file (null when none found near the start). */
  firstTs: number | null;
  bytesRead: number;
}

interface Probe {
  ts: number;
  lineStart: number;
}

class Prober {
  bytes = 0;
  private readonly buf: Buffer;
  private readonly reader: TsReader;

  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
    private readonly cap: number,
    params: ScanParams,
  ) {
    this.reader = createTsReader(params.ts, cap);
    this.buf = Buffer.allocUnsafe(PROBE_BLOCK + cap);
  }

  /** First timestamped line starting at or after the first line start >= off (null when none soon enough). */
  async at(off: number): Promise<Probe | null> {
    let pos = off === 0 ? 0 : -1;
    let readFrom = off === 0 ? 0 : off - 1; // reading from off-1 resyncs exactly when off is a line start
    let want = PROBE_BLOCK; // small first; a line whose head does not fit is re-read with room for the cap
    while (readFrom < this.size && readFrom - off < PROBE_LIMIT) {
      const n = (await this.fh.read(this.buf, 0, Math.min(want, this.size - readFrom), readFrom)).bytesRead;
      this.bytes += n;
      if (n === 0) return null;
      const view = this.buf.subarray(0, n);
      let s = 0;
      if (pos < 0) {
        const nl = view.indexOf(10);
        if (nl < 0) {
          readFrom += n;
          continue;
        }
        s = nl + 1;
        pos = readFrom + s;
      }
      const eof = readFrom + n >= this.size;
      let resync = false;
      while (s < n) {
        let e = view.indexOf(10, s);
        if (e < 0 && !eof) {
          if (n - s < this.cap) break; // the line's head is cut: re-read from its start
          resync = true; // a long line: judge its head, then look for the next line start
          e = n;
        } else if (e < 0) e = n;
        const ts = this.reader.value(view, s, Math.min(e, s + this.cap));
        if (!Number.isNaN(ts)) return { ts, lineStart: readFrom + s };
        s = e + 1;
      }
      if (eof) return null;
      if (resync) {
        pos = -1;
        readFrom += n;
      } else readFrom += s;
      want = this.buf.length;
    }
    return null;
  }
}

/** Decides whether `fh` (of `size` bytes) is time-ordered and where a window-only scan should start. */
export async function planWindowSeek(fh: FileHandle, size: number, params: ScanParams): Promise<SeekPlan> {
  const prober = new Prober(fh, size, params.tsCapBytes, params);
  const first = await prober.at(0);
  const firstTs = first ? first.ts : null;
  // A small file is scanned from its start in window mode, whose own disorder check validates the order.
  if (!first) return { ordered: false, start: 0, searched: false, firstTs, bytesRead: prober.bytes };
  if (size < MIN_SEEK_SIZE) return { ordered: true, start: 0, searched: false, firstTs, bytesRead: prober.bytes };
  const target = params.windowStartMs - ORDER_SLACK_MS;
  // Ordered check on evenly spaced samples; they also narrow the search interval.
  let lo = 0;
  let hi = size;
  let prev = first.ts;
  for (let i = 1; i <= SAMPLES; i++) {
    const off = Math.floor((size * i) / (SAMPLES + 1));
    const p = await prober.at(off);
    if (!p) continue;
    if (p.ts < prev - ORDER_SLACK_MS) return { ordered: false, start: 0, searched: false, firstTs, bytesRead: prober.bytes };
    prev = Math.max(prev, p.ts);
    if (p.ts < target) lo = off;
    else if (hi === size) hi = off;
  }
  if (first.ts >= target) return { ordered: true, start: 0, searched: true, firstTs, bytesRead: prober.bytes };
  while (hi - lo > PROBE_BLOCK) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const p = await prober.at(mid);
    if (p && p.ts < target) lo = mid;
    else hi = mid;
  }
  const aligned = await alignToLineStart(fh, lo, size);
  return { ordered: true, start: aligned.pos, searched: true, firstTs, bytesRead: prober.bytes + aligned.bytes };
}
