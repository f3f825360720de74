/**
 * Multi-literal byte search over a chunk. Literal counts never depend on the strategy; only speed does.
 *
 * Small inputs: one native Buffer.indexOf pass per pattern (no JS loop to warm up).
 * Big inputs (`wordFilter`), calibrated on a sample of the data (the first chunk):
 * - Long patterns (>= 11 bytes) share ONE pass: the chunk is read as 32-bit words, and every occurrence of such
 *   a pattern contains a word aligned to 8 bytes, at an offset k in the pattern; for each of the 8 alignment
 *   classes the rarest 4-byte gram (in the sample) is put in a hash filter, so a lookup on every second word
 *   finds every candidate, verified byte by byte. Many 7..10-byte patterns join that pass at every word.
 * - Shorter patterns: memchr (Buffer.indexOf of one byte) on the pattern's rarest byte in the sample, then
 *   verify; when even that byte is common, the pattern's own indexOf.
 * The word trick assumes a little-endian host; big-endian hosts use indexOf for everything.
 */
import os from 'node:os';

const HASH_BITS = 16;
const HASH_SHIFT = 32 - HASH_BITS; // multiplicative hash: the top bits of v * golden ratio spread text grams well
const LITTLE_ENDIAN = os.endianness() === 'LE';
const SAMPLE_MAX = 256 * 1024;
const MANY_MID = 4; // more 7..10-byte patterns than this join the word pass (at stride 1)
const RARE_ENOUGH = 1 / 64; // a byte this rare makes memchr + verify cheaper than the pattern's own indexOf

interface Gram {
  sig: number;
  k: number;
}

const wordAt = (p: Uint8Array, k: number): number => p[k] | (p[k + 1] << 8) | (p[k + 2] << 16) | (p[k + 3] << 24);

/** Finds literal patterns in a chunk; reports (position, signature index) pairs through a callback. */
export class LiteralMatcher {
  private readonly filter = new Uint8Array(1 << HASH_BITS);
  private readonly grams = new Map<number, Gram[]>();
  private readonly plain: number[] = []; // Buffer.indexOf of the whole pattern
  private readonly rare = new Map<number, Array<{ sig: number; off: number }>>(); // memchr on a rare byte
  private stride = 2; // in words
  readonly maxLength: number;
  readonly any: boolean;

  constructor(
    private readonly patterns: Array<Buffer | null>,
    wordFilter: boolean,
    sample: Buffer,
  ) {
    const live = patterns.flatMap((p, i) => (p ? [i] : []));
    this.maxLength = Math.max(0, ...live.map((i) => (patterns[i] as Buffer).length));
    this.any = live.length > 0;
    if (!wordFilter || !LITTLE_ENDIAN || sample.length < 64) {
      this.plain.push(...live);
      return;
    }
    const s = sample.subarray(0, Math.min(sample.length, SAMPLE_MAX) & ~3);
    const len = (i: number): number => (patterns[i] as Buffer).length;
    const mid = live.filter((i) => len(i) >= 7 && len(i) < 11);
    const minWord = mid.length > MANY_MID ? 7 : 11;
    const words = live.filter((i) => len(i) >= minWord);
    this.stride = minWord === 11 ? 2 : 1;
    this.buildWordFilter(words, s);
    const hist = new Uint32Array(256);
    for (let i = 0; i < s.length; i++) hist[s[i]]++;
    for (const sig of live.filter((i) => len(i) < minWord)) {
      const p = patterns[sig] as Buffer;
      let off = 0;
      for (let k = 1; k < p.length; k++) if (hist[p[k]] < hist[p[off]]) off = k;
      if (hist[p[off]] > s.length * RARE_ENOUGH) this.plain.push(sig);
      else {
        const list = this.rare.get(p[off]) ?? [];
        list.push({ sig, off });
        this.rare.set(p[off], list);
      }
    }
  }

  /** Per pattern and alignment class, the gram that is rarest in the sample goes into the filter. */
  private buildWordFilter(sigs: number[], sample: Buffer): void {
    const classes = this.stride * 4;
    const candidates = new Map<number, number>();
    for (const sig of sigs) {
      const p = this.patterns[sig] as Buffer;
      for (let k = 0; k + 4 <= p.length; k++) candidates.set(wordAt(p, k), 0);
    }
    const view = new Int32Array(sample.buffer, sample.byteOffset, sample.length >>> 2);
    for (let i = 0; i < view.length; i++) {
      const c = candidates.get(view[i]);
      if (c !== undefined) candidates.set(view[i], c + 1);
    }
    for (const sig of sigs) {
      const p = this.patterns[sig] as Buffer;
      for (let a = 0; a < classes && a + 4 <= p.length; a++) {
        let best = a;
        for (let k = a + classes; k + 4 <= p.length; k += classes) {
          if ((candidates.get(wordAt(p, k)) as number) < (candidates.get(wordAt(p, best)) as number)) best = k;
        }
        const v = wordAt(p, best);
        this.filter[Math.imul(v, 0x9e3779b1) >>> HASH_SHIFT] = 1;
        const list = this.grams.get(v) ?? [];
        list.push({ sig, k: best });
        this.grams.set(v, list);
      }
    }
  }

  /**
   * Reports occurrences fully inside [0, end) of `buf` (whose int32 view is `words`): every occurrence, or at
   * least the first of each line for the indexOf paths (enough: counts are per line). Not ordered by position.
   */
  find(buf: Buffer, words: Int32Array, end: number, onMatch: (pos: number, sig: number) => void): void {
    if (this.grams.size > 0) this.findWords(buf, words, end, onMatch);
    const view = buf.subarray(0, end);
    for (const [byte, list] of this.rare) {
      for (let h = view.indexOf(byte, 0); h >= 0; h = view.indexOf(byte, h + 1)) {
        for (const { sig, off } of list) {
          const p = this.patterns[sig] as Buffer;
          const at = h - off;
          if (at >= 0 && at + p.length <= end && equalAt(buf, at, p)) onMatch(at, sig);
        }
      }
    }
    for (const sig of this.plain) {
      const p = this.patterns[sig] as Buffer;
      for (let from = 0; ;) {
        const at = view.indexOf(p, from);
        if (at < 0) break;
        onMatch(at, sig);
        const nl = view.indexOf(10, at + p.length);
        if (nl < 0) break;
        from = nl + 1;
      }
    }
  }

  private findWords(buf: Buffer, words: Int32Array, end: number, onMatch: (pos: number, sig: number) => void): void {
    const filter = this.filter;
    const stride = this.stride;
    const n = end >>> 2;
    for (let i = 0; i < n; i += stride) {
      const v = words[i];
      if (filter[Math.imul(v, 0x9e3779b1) >>> HASH_SHIFT] === 0) continue;
      const list = this.grams.get(v);
      if (list === undefined) continue;
      for (const g of list) {
        const p = this.patterns[g.sig] as Buffer;
        const at = i * 4 - g.k;
        if (at >= 0 && at + p.length <= end && equalAt(buf, at, p)) onMatch(at, g.sig);
      }
    }
  }
}

function equalAt(buf: Buffer, at: number, p: Buffer): boolean {
  for (let j = 0; j < p.length; j++) if (buf[at + j] !== p[j]) return false;
  return true;
}

/** Encodes a pattern for byte search; null when it can never match a single line (contains a newline). */
export function literalBytes(pattern: string): Buffer | null {
  if (pattern.length === 0 || pattern.includes('\n')) return null;
  return Buffer.from(pattern, 'utf8');
}
