/**
 * Multi-literal byte search over a chunk, one pass for all long patterns.
 *
 * Why not Buffer.indexOf per pattern: 13 signatures would mean 13 passes over every byte. Instead the chunk is
 * read as 32-bit words: every occurrence of a pattern of length >= 11 contains one 4-byte word aligned to 8
 * bytes, at one of 8 offsets k in the pattern; so a hash filter over every second word (keyed by the pattern's
 * 4-byte grams at offsets 0..7) finds every candidate, which is then verified byte by byte. Patterns of length
 * 7..10 need every word (grams at offsets 0..3) unless there are only a couple of them; shorter ones and
 * those use Buffer.indexOf.
 * The word trick assumes a little-endian host; big-endian hosts use indexOf for everything.
 */
import os from 'node:os';

const HASH_BITS = 20;
const HASH_MASK = (1 << HASH_BITS) - 1;
const MAX_MID_INDEXOF = 2;
const LITTLE_ENDIAN = os.endianness() === 'LE';

const hashOf = (v: number): number => (v ^ (v >>> 12)) & HASH_MASK;

interface Gram {
  sig: number;
  k: number;
}

/** Finds literal patterns in a chunk; reports (position, signature index) pairs through a callback. */
export class LiteralMatcher {
  private readonly filter = new Uint8Array(1 << HASH_BITS);
  private readonly grams = new Map<number, Gram[]>();
  private readonly short: number[] = [];
  private readonly stride: number; // in words: 2 (all word-searched patterns >= 11 bytes) or 1
  readonly maxLength: number;
  readonly any: boolean;

  constructor(private readonly patterns: Array<Buffer | null>) {
    const wordSearched: number[] = [];
    let max = 0;
    // Patterns of 7..10 bytes would force a lookup on every word (about +70% of the pass); a couple of them
    // are cheaper as indexOf passes, many of them are not.
    const mid = patterns.filter((p) => p && p.length >= 7 && p.length < 11).length;
    const minWord = mid > MAX_MID_INDEXOF ? 7 : 11;
    patterns.forEach((p, i) => {
      if (!p) return;
      max = Math.max(max, p.length);
      if (LITTLE_ENDIAN && p.length >= minWord) wordSearched.push(i);
      else this.short.push(i);
    });
    this.maxLength = max;
    this.any = wordSearched.length + this.short.length > 0;
    this.stride = wordSearched.every((i) => (patterns[i] as Buffer).length >= 11) ? 2 : 1;
    const offsets = this.stride * 4;
    for (const sig of wordSearched) {
      const p = patterns[sig] as Buffer;
      for (let k = 0; k < offsets && k + 4 <= p.length; k++) {
        const v = p[k] | (p[k + 1] << 8) | (p[k + 2] << 16) | (p[k + 3] << 24); // int32, as Int32Array reads it
        this.filter[hashOf(v)] = 1;
        const list = this.grams.get(v) ?? [];
        list.push({ sig, k });
        this.grams.set(v, list);
      }
    }
  }

  /**
   * Reports every occurrence fully inside [0, end) of `buf` (whose u32 view is `words`); the short patterns
   * report one occurrence per line (enough: counts are per line). Order of reports is not by position.
   */
  find(buf: Buffer, words: Int32Array, end: number, onMatch: (pos: number, sig: number) => void): void {
    if (this.grams.size > 0) this.findWords(buf, words, end, onMatch);
    if (this.short.length === 0) return;
    const view = buf.subarray(0, end);
    for (const sig of this.short) {
      const p = this.patterns[sig] as Buffer;
      let from = 0;
      for (;;) {
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
      if (filter[(v ^ (v >>> 12)) & HASH_MASK] === 0) continue;
      const list = this.grams.get(v);
      if (list === undefined) continue;
      for (const g of list) {
        const p = this.patterns[g.sig] as Buffer;
        const at = i * 4 - g.k;
        if (at < 0 || at + p.length > end) continue;
        let j = 0;
        while (j < p.length && buf[at + j] === p[j]) j++;
        if (j === p.length) onMatch(at, g.sig);
      }
    }
  }
}

/** Encodes a pattern for byte search; null when it can never match a single line (contains a newline). */
export function literalBytes(pattern: string): Buffer | null {
  if (pattern.length === 0 || pattern.includes('\n')) return null;
  return Buffer.from(pattern, 'utf8');
}
