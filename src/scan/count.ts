/**
 * The totals counter: lines matching each signature over a byte stream, no timestamps. This is what a full
 * scan and an incremental (checkpointed) scan spend their time in, so literals go through the WebAssembly
 * kernel (wasm/teddy.ts) whose memory holds the read buffer: file reads land where the kernel scans.
 *
 * Semantics are the scanner's (docs/scanner.md): per line, a signature counts once; a line is the bytes up to
 * LF, a last line without LF is still a line; an `exclude` pattern found on the line cancels the signature
 * for that line. The counter also reports a committed point: the end of the last complete line and the
 * counts up to it, which is where a checkpoint may resume (a line still being written is counted now but
 * re-read next time, once complete).
 */
import { LiteralMatcher, literalBytes } from './literal.js';
import { compileRegexSig, findRegexLines, type RegexSig } from './regex.js';
import type { CountHit, CountParams, CountResult } from './params.js';
import { cleanText, messageLead, withMessageLead } from './sampler.js';
import { Teddy } from './wasm/teddy.js';
import { compileExcludes, lineExcluded, type Exclude } from './exclude.js';

/** A stream of bytes in, counts out; the same for a file range and a gunzip stream. */
export class LineCounter {
  readonly buf: Buffer;
  len = 0;
  private readonly teddy: Teddy | null;
  private readonly js: LiteralMatcher | null = null;
  private readonly litSig: number[] = []; // kernel literal -> signature
  private readonly regexes: RegexSig[] = [];
  private readonly excludes: Array<Exclude[] | null>;
  private readonly counts: Float64Array;
  private readonly lastLine: Float64Array; // JS paths: absolute start of the last line counted per signature
  private readonly overlap: number;
  private readonly region: number;
  private base: number; // absolute offset of buf[0]
  private jsLines = 0;
  private longLine = -1; // absolute start of a line longer than the buffer, while inside it
  private committed: { offset: number; counts: number[]; lines: number };
  private readonly hits: CountHit[] = [];
  private readonly hitsPerSig: number[];
  private readonly local: Float64Array;
  private readonly words: Int32Array;

  constructor(
    private readonly p: CountParams,
    startAbs: number,
    sample: Uint8Array,
  ) {
    const n = p.sigs.length;
    const lits = p.sigs.map((s) => (s.regex ? null : literalBytes(s.pattern)));
    const live: Uint8Array[] = [];
    const record: boolean[] = [];
    lits.forEach((b, i) => {
      if (!b) return;
      this.litSig.push(i);
      live.push(b);
      record.push(p.keepLines > 0 || (p.sigs[i].exclude?.length ?? 0) > 0);
    });
    p.sigs.forEach((s, i) => {
      if (s.regex) this.regexes.push(compileRegexSig(i, s.pattern));
    });
    this.excludes = p.sigs.map((s) => compileExcludes(s.exclude));
    this.overlap = Math.max(0, ...live.map((b) => b.length - 1));
    if (p.chunkSize < 4 * (this.overlap + 1) || p.chunkSize < 64) throw new Error(`count chunk size ${p.chunkSize} too small for these patterns`);
    this.teddy = p.wasm ? Teddy.create(live, record, sample, { regionBytes: p.chunkSize, regions: 1 }) : null;
    if (this.teddy) {
      this.region = this.teddy.regionAt(0);
      this.buf = this.teddy.mem.subarray(this.region, this.region + p.chunkSize);
    } else {
      this.region = 0;
      this.buf = Buffer.allocUnsafeSlow(p.chunkSize);
      if (live.length > 0) this.js = new LiteralMatcher(lits, sample.length >= 64, Buffer.from(sample));
    }
    this.counts = new Float64Array(n);
    this.lastLine = new Float64Array(n).fill(-1);
    this.hitsPerSig = new Array<number>(n).fill(0);
    this.local = new Float64Array(this.litSig.length);
    this.words = new Int32Array(this.buf.buffer, this.buf.byteOffset, this.buf.length >>> 2);
    this.base = startAbs;
    this.committed = { offset: startAbs, counts: new Array<number>(n).fill(0), lines: 0 };
  }

  /** Free bytes at the end of the buffer. */
  space(): number {
    return this.buf.length - this.len;
  }

  /** Accounts for `n` bytes a producer wrote at buf[len]; processes the buffer once it is full. */
  commit(n: number): void {
    this.len += n;
    if (this.len === this.buf.length) this.process();
  }

  /** Copies bytes in (stream producers). */
  push(data: Uint8Array): void {
    for (let off = 0; off < data.length;) {
      const n = Math.min(this.space(), data.length - off);
      this.buf.set(data.subarray(off, off + n), this.len);
      off += n;
      this.commit(n);
    }
  }

  /** End of input: the rest, the last line possibly without LF (counted, but not committed). */
  finish(bytesRead: number): CountResult {
    const nl = this.len > 0 ? this.buf.lastIndexOf(10, this.len - 1) : -1;
    if (nl >= 0) this.complete(nl + 1);
    if (this.len > 0) this.scanRegion(this.len);
    const lines = this.lineCount() + (this.len > 0 || this.longLine >= 0 ? 1 : 0);
    return {
      counts: [...this.counts],
      lines,
      committedOffset: this.committed.offset,
      committedCounts: this.committed.counts,
      committedLines: this.committed.lines,
      bytesRead,
      hits: this.hits,
    };
  }

  private lineCount(): number {
    return this.teddy ? this.teddy.lines : this.jsLines;
  }

  private commitPoint(): void {
    this.committed = { offset: this.base, counts: [...this.counts], lines: this.lineCount() };
  }

  private process(): void {
    const len = this.len;
    const nl = this.buf.lastIndexOf(10, len - 1);
    if (nl >= 0) {
      this.complete(nl + 1);
      return;
    }
    // One line fills the buffer: scan it as a segment, keep an overlap so a literal across the cut is seen.
    if (this.longLine < 0) this.longLine = this.base;
    this.scanRegion(len);
    const keep = this.overlap;
    this.buf.copyWithin(0, len - keep, len);
    this.base += len - keep;
    this.len = keep;
  }

  /** Scans the complete lines buf[0, re) and moves the rest to the front; re is a committed point. */
  private complete(re: number): void {
    this.scanRegion(re);
    this.longLine = -1;
    this.buf.copyWithin(0, re, this.len);
    this.base += re;
    this.len -= re;
    this.commitPoint();
  }

  /** Counts the lines in buf[0, end). Bytes before the first LF belong to `longLine` when one is open. */
  private scanRegion(end: number): void {
    const onMatch = (pos: number, sig: number, counted: boolean): void => {
      const prev = pos === 0 ? -1 : this.buf.lastIndexOf(10, pos - 1);
      const from = prev + 1;
      const lineAbs = prev < 0 && this.longLine >= 0 ? this.longLine : this.base + from;
      if (!counted) {
        if (this.lastLine[sig] === lineAbs) return;
        this.lastLine[sig] = lineAbs;
      }
      let le = this.buf.indexOf(10, pos);
      if (le < 0 || le > end) le = end;
      const ex = this.excludes[sig];
      if (ex && lineExcluded(this.buf, from, le, ex)) {
        if (counted) this.counts[sig]--;
        return;
      }
      if (!counted) this.counts[sig]++;
      if (this.p.keepLines > 0 && this.hitsPerSig[sig] < this.p.keepLines) {
        this.hitsPerSig[sig]++;
        const text = cleanText(this.buf.subarray(from, Math.min(le, from + this.p.lineBytes)));
        // The start of a line longer than the buffer is gone: its message (if any) cannot be found.
        const lead = prev < 0 && this.longLine >= 0 ? null : messageLead(this.buf, from, le, this.p.lineBytes);
        this.hits.push({ sig, offset: lineAbs, text: withMessageLead(lead, text) });
      }
    };
    if (this.teddy) {
      const local = this.local;
      local.fill(0);
      this.teddy.scan(this.region, this.region, this.region + end, local, (addr, lit) => onMatch(addr - this.region, this.litSig[lit], true));
      for (let i = 0; i < local.length; i++) this.counts[this.litSig[i]] += local[i];
    } else {
      if (this.js) this.js.find(this.buf, this.words, end, (pos, sig) => onMatch(pos, sig, false));
      for (let s = this.buf.indexOf(10); s >= 0 && s < end; s = this.buf.indexOf(10, s + 1)) this.jsLines++;
    }
    if (this.regexes.length > 0) findRegexLines(this.buf, end, this.regexes, (pos, sig) => onMatch(pos, sig, false));
  }
}
