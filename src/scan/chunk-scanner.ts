/**
 * The streaming core: a fixed buffer that producers fill (file reads, gunzip output) and that is processed
 * one chunk at a time, each chunk cut at its last newline (the incomplete line is moved to the front of the
 * buffer). Memory is the buffer plus a few counters per signature, whatever the file or line size.
 *
 * Semantics (mirrored by the reference implementation in the tests):
 * - A line is the bytes up to LF (a trailing CR stays in the line for literals, is dropped for regexes and
 *   samples); a last line without LF is still a line. Counts are per line: a signature found twice on one
 *   line counts once (what `grep -c` counts).
 * - A line's timestamp is read from its first `tsCapBytes` bytes. A line without one (a stack trace) inherits
 *   the timestamp of the previous timestamped line; lines before any timestamped line of the scanned file
 *   have none: they count in countTotal but never in countWindow.
 * - The window is inclusive: windowStartMs <= ts <= windowEndMs.
 * - A line longer than the buffer is scanned in segments that overlap by the longest literal, so literal
 *   counts stay exact; a regex only sees one segment of such a line at a time.
 */
import { LiteralMatcher, literalBytes } from './literal.js';
import { compileRegexSig, findRegexLines, type RegexSig } from './regex.js';
import { createTsReader, type TsReader } from './timestamps.js';
import { noteOrder, ORDER_SLACK_MS, walkFull, walkWindow, type WindowWalkState } from './line-walk.js';
import { Sampler } from './sampler.js';
import { compileExcludes, lineExcluded, type Exclude } from './exclude.js';
import type { PartialResult, ScanParams, SigPartial } from './params.js';

interface LongLine {
  lineAbs: number;
  ownerTs: number;
  prefix: Buffer;
}

export class ChunkScanner {
  readonly buf: Buffer;
  len = 0;
  private readonly words: Int32Array;
  private readonly reader: TsReader;
  private lit: LiteralMatcher | null = null; // built on the first chunk, which it calibrates on
  private readonly lits: Array<Buffer | null>;
  private readonly regexes: RegexSig[] = [];
  private readonly excludes: Array<Exclude[] | null>;
  private readonly litLen: number[];
  private readonly lastCounted: Float64Array;
  private readonly res: SigPartial[];
  private readonly sampler: Sampler;
  private readonly overlap: number;
  private readonly sigMul: number;
  private base: number;
  private carriedTs: number;
  private cont: LongLine | null = null;
  private lines = 0;
  private linesNoTs = 0;
  private readonly win: WindowWalkState = { maxTs: -Infinity, maxOwnerTs: -Infinity, firstTs: NaN, disorder: false, stopped: false };

  constructor(
    private readonly p: ScanParams,
    startAbs: number,
    carriedTs: number,
  ) {
    this.buf = Buffer.allocUnsafeSlow(p.chunkSize);
    this.words = new Int32Array(this.buf.buffer, this.buf.byteOffset, p.chunkSize >>> 2);
    this.reader = createTsReader(p.ts, p.tsCapBytes);
    const lits = p.sigs.map((s) => (s.regex ? null : literalBytes(s.pattern)));
    this.lits = lits;
    p.sigs.forEach((s, i) => {
      if (s.regex) this.regexes.push(compileRegexSig(i, s.pattern));
    });
    this.litLen = lits.map((b) => (b ? b.length : 0));
    this.excludes = p.sigs.map((s) => compileExcludes(s.exclude));
    this.lastCounted = new Float64Array(p.sigs.length).fill(-1);
    this.res = p.sigs.map(() => ({ total: 0, window: 0, minTs: null, maxTs: null, samples: [] }));
    this.sampler = new Sampler(p.sampleBytes);
    this.overlap = Math.max(Math.max(0, ...this.litLen) - 1, this.sampler.contextBytes);
    if (p.chunkSize < 4 * Math.max(this.overlap + 1, p.tsCapBytes, p.sampleBytes) || p.chunkSize % 8 !== 0) {
      throw new Error(`scan chunk size ${p.chunkSize} too small for these patterns and caps`);
    }
    this.sigMul = p.sigs.length + 1;
    this.base = startAbs;
    this.carriedTs = carriedTs;
  }

  /** A window-only scan has gone past the window (or met disorder): the producer can stop. */
  get stopped(): boolean {
    return this.win.stopped;
  }

  /** Free bytes at the end of the buffer. */
  space(): number {
    return this.buf.length - this.len;
  }

  /** Accounts for `n` bytes a producer wrote at buf[len]; processes the chunk once the buffer is full. */
  commit(n: number): void {
    this.len += n;
    if (this.len === this.buf.length && !this.stopped) this.process(false);
  }

  /** Copies bytes in (stream producers), processing full chunks as it goes. */
  push(data: Uint8Array): void {
    let off = 0;
    while (off < data.length && !this.stopped) {
      const n = Math.min(this.space(), data.length - off);
      this.buf.set(data.subarray(off, off + n), this.len);
      off += n;
      this.commit(n);
    }
  }

  /** End of input: processes what is left (the last line may lack its LF). */
  finish(): void {
    if (this.len > 0 && !this.stopped) this.process(true);
    this.len = 0;
  }

  /** Counts and stats so far (serializable). */
  result(bytesRead: number): PartialResult {
    return {
      sigs: this.res,
      lines: this.lines,
      linesNoTs: this.linesNoTs,
      bytesRead,
      firstTs: Number.isNaN(this.win.firstTs) ? null : this.win.firstTs,
      disorder: this.win.disorder,
      stopped: this.win.stopped,
    };
  }

  private process(eof: boolean): void {
    const len = this.len;
    let re = len;
    let carryFrom = len;
    let partial = false;
    if (!eof) {
      const nl = this.buf.lastIndexOf(10, len - 1);
      if (nl >= 0) re = carryFrom = nl + 1;
      else {
        partial = true; // one line fills the whole buffer: scan it as a segment, keep an overlap
        carryFrom = len - this.overlap;
      }
    }
    this.region(re, partial);
    if (carryFrom < len) this.buf.copyWithin(0, carryFrom, len);
    this.base += carryFrom;
    this.len = len - carryFrom;
  }

  private lineEnd(view: Buffer, s: number, re: number): number {
    const e = view.indexOf(10, s);
    return e < 0 ? re : e;
  }

  /** Timestamp of the line starting at s (its first tsCapBytes), NaN when it has none. */
  private tsOfLine(view: Buffer, s: number, re: number): number {
    const e = this.lineEnd(view, s, re);
    return this.reader.value(this.buf, s, e - s > this.p.tsCapBytes ? s + this.p.tsCapBytes : e);
  }

  /** Walks lines (counts, timestamps), finds matches, attributes each match to its line's owner timestamp. */
  private region(re: number, partial: boolean): void {
    const b = this.buf;
    const view = b.subarray(0, re);
    const cap = this.p.tsCapBytes;
    const reader = this.reader;
    const cont = this.cont;
    let s = 0;
    if (cont) {
      const nl = view.indexOf(10, 0);
      s = nl < 0 ? re : nl + 1;
    }
    const w = this.p.windowOnly ? walkWindow(view, s, re, reader, cap, this.p.windowEndMs + ORDER_SLACK_MS, this.win) : walkFull(view, s, re, reader, cap);
    this.lines += w.lines;
    this.linesNoTs += w.noTs;
    this.attribute(view, w.stopAt, re);
    if (w.lastTsLine >= 0) {
      this.carriedTs = this.tsOfLine(view, w.lastTsLine, re);
      if (this.p.windowOnly) noteOrder(this.carriedTs, this.win, 'maxTs');
      if (Number.isNaN(this.win.firstTs)) this.win.firstTs = this.tsOfLine(view, w.firstTsLine, re);
    }
    if (!partial) this.cont = null;
    else if (!cont) this.cont = { lineAbs: this.base, ownerTs: this.carriedTs, prefix: Buffer.from(b.subarray(0, this.p.sampleBytes)) };
  }

  private attribute(view: Buffer, end: number, re: number): void {
    const found: number[] = [];
    const mul = this.sigMul;
    this.lit ??= new LiteralMatcher(this.lits, this.p.wordFilter, this.buf.subarray(0, end));
    if (this.lit.any) this.lit.find(this.buf, this.words, end, (pos, sig) => found.push(pos * mul + sig));
    if (this.regexes.length > 0) findRegexLines(this.buf, end, this.regexes, (pos, sig) => found.push(pos * mul + sig));
    if (found.length === 0) return;
    const sorted = Float64Array.from(found).sort();
    const cont = this.cont;
    const { windowStartMs, windowEndMs, maxSamples } = this.p;
    let memoLine = -1;
    let memoTs = NaN;
    for (let i = 0; i < sorted.length; i++) {
      const pos = Math.floor(sorted[i] / mul);
      const sig = sorted[i] - pos * mul;
      const ls = pos === 0 ? 0 : view.lastIndexOf(10, pos - 1) + 1;
      const onCont = ls === 0 && cont !== null;
      const lineAbs = onCont ? cont.lineAbs : this.base + ls;
      if (this.lastCounted[sig] === lineAbs) continue;
      this.lastCounted[sig] = lineAbs;
      const ex = this.excludes[sig];
      if (ex && lineExcluded(this.buf, ls, this.lineEnd(view, ls, re), ex)) continue; // a long line: its visible part
      let owner = NaN;
      for (let q = ls; ;) {
        if (q === memoLine) owner = memoTs;
        else if (q === 0 && cont) owner = cont.ownerTs;
        else {
          owner = this.tsOfLine(view, q, re);
          if (Number.isNaN(owner)) {
            if (q === 0) owner = this.carriedTs;
            else {
              q = q === 1 ? 0 : view.lastIndexOf(10, q - 2) + 1;
              continue;
            }
          }
        }
        break;
      }
      memoLine = ls;
      memoTs = owner;
      if (this.p.windowOnly && !Number.isNaN(owner)) noteOrder(owner, this.win, 'maxOwnerTs'); // matches' owners are parsed anyway
      const r = this.res[sig];
      r.total++;
      if (owner >= windowStartMs && owner <= windowEndMs) {
        r.window++;
        if (r.minTs === null || owner < r.minTs) r.minTs = owner;
        if (r.maxTs === null || owner > r.maxTs) r.maxTs = owner;
        if (r.samples.length < maxSamples) {
          const le = this.lineEnd(view, ls, re);
          const at = onCont ? { lineAbs: cont.lineAbs, prefix: cont.prefix } : null;
          r.samples.push(this.sampler.take(this.buf, ls, le, pos, this.litLen[sig], this.base, at));
        }
      }
    }
  }
}
