/**
 * Plans the Teddy prefilter for a set of literals (pure): each literal's fingerprint (its rarest m-gram in a
 * sample of the data, so "connection refused" and "connection reset" are told apart by what follows the
 * shared prefix), the bucket of each literal and the nibble tables. A literal shorter than m gets leading
 * wildcards (its fingerprint starts before it and matches any byte there), so its fingerprint still ends on
 * its last byte and a match at the very end of the input is seen.
 */

export interface TeddyPlan {
  m: number;
  sets: number;
  /** Per literal (index into the input): fingerprint start offset (negative: leading wildcards) and bucket (set*8 + bit). */
  offset: number[];
  bucket: number[];
  /** Per set and position: 16 low-nibble then 16 high-nibble masks, at (s*m + k)*32 (pair plans: see pair-plan.ts). */
  tables: Uint8Array;
  /** A pair plan (one literal): the distance of its two bytes, whose splats fill `tables`. */
  pair?: number;
}

/** Byte histogram and m-gram counts of the sample, for the candidate grams only. */
function gramCounts(sample: Uint8Array, m: number, wanted: Set<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const g of wanted) counts.set(g, 0);
  let key = 0;
  const mask = m === 4 ? 0xffffffff : (1 << (8 * m)) - 1;
  for (let i = 0; i < sample.length; i++) {
    key = ((key * 256) & mask) + sample[i];
    key >>>= 0;
    if (i + 1 >= m) {
      const c = counts.get(key);
      if (c !== undefined) counts.set(key, c + 1);
    }
  }
  return counts;
}

const gramAt = (p: Uint8Array, o: number, m: number): number => {
  let key = 0;
  for (let k = 0; k < m; k++) key = key * 256 + p[o + k];
  return key >>> 0;
};

/** Picks fingerprints and buckets; `sample` is representative data (empty: byte order heuristics only). */
export function planTeddy(literals: Uint8Array[], sample: Uint8Array, opts: { m?: number; sets?: number } = {}): TeddyPlan {
  const m = opts.m ?? 3;
  // Measured on the bench log (CPU per GiB): 13 literals 176 ms with 8 buckets vs 318 ms with 16 (the second
  // set of lookups costs more than the few shared buckets); 100 literals 2845 ms with 8 vs 1061 ms with 16.
  const sets = opts.sets ?? (literals.length > 16 ? 2 : 1);
  const wanted = new Set<number>();
  for (const p of literals) for (let o = 0; o + m <= p.length; o++) wanted.add(gramAt(p, o, m));
  const grams = gramCounts(sample, m, wanted);
  const hist = new Float64Array(256);
  for (let i = 0; i < sample.length; i++) hist[sample[i]]++;
  // Rarest gram first; among equally rare (often: absent from the sample) the one of the rarest bytes.
  const offset = literals.map((p) => {
    if (p.length < m) return p.length - m;
    let best = 0;
    let bestScore = Infinity;
    for (let o = 0; o + m <= p.length; o++) {
      let bytes = 0;
      for (let k = 0; k < m; k++) bytes += hist[p[o + k]];
      const score = (grams.get(gramAt(p, o, m)) ?? 0) * 1e12 + bytes;
      if (score < bestScore) {
        bestScore = score;
        best = o;
      }
    }
    return best;
  });
  const nb = sets * 8;
  const bucket = assignBuckets(literals, offset, m, nb, hist);
  const tables = new Uint8Array(sets * m * 32);
  literals.forEach((p, i) => {
    const s = bucket[i] >> 3;
    const bit = 1 << (bucket[i] & 7);
    for (let k = 0; k < m; k++) {
      const base = (s * m + k) * 32;
      const at = offset[i] + k;
      if (at < 0) {
        for (let n = 0; n < 32; n++) tables[base + n] |= bit; // wildcard: any byte
      } else {
        tables[base + (p[at] & 15)] |= bit;
        tables[base + 16 + (p[at] >> 4)] |= bit;
      }
    }
  });
  return { m, sets, offset, bucket, tables };
}

/**
 * Greedy bucketing: a bucket lets a byte through at position k when its low nibble is in the bucket's set of low
 * nibbles and its high nibble in its set of high nibbles, so two literals sharing a bucket also admit the mixed
 * nibble pairs. Each literal (rarest fingerprint first) goes where the estimated cost rises least: the chance that
 * a random position passes the bucket (per-position byte frequencies from the sample, multiplied) times the
 * literals verified there. With no more literals than buckets each has its own.
 */
function assignBuckets(literals: Uint8Array[], offset: number[], m: number, nb: number, hist: Float64Array): number[] {
  const bucket = new Array<number>(literals.length).fill(0);
  if (literals.length <= nb) return bucket.map((_, i) => i);
  const total = hist.reduce((a, b) => a + b, 0) || 1;
  const freq = Array.from(hist, (h) => (h + 0.5) / (total + 128)); // unseen bytes are rare, not impossible
  const lo = Array.from({ length: nb }, () => new Array<number>(m).fill(0));
  const hi = Array.from({ length: nb }, () => new Array<number>(m).fill(0));
  const size = new Array<number>(nb).fill(0);
  const pass = (l: number[], h: number[]): number => {
    let p = 1;
    for (let k = 0; k < m; k++) {
      let q = 0;
      for (let b = 0; b < 256; b++) if ((l[k] >> (b & 15)) & 1 && (h[k] >> (b >> 4)) & 1) q += freq[b];
      p *= q;
    }
    return p;
  };
  const masks = (i: number): [number[], number[]] => {
    const l = new Array<number>(m).fill(0);
    const h = new Array<number>(m).fill(0);
    for (let k = 0; k < m; k++) {
      const at = offset[i] + k;
      if (at < 0) {
        l[k] = h[k] = 0xffff;
      } else {
        l[k] = 1 << (literals[i][at] & 15);
        h[k] = 1 << (literals[i][at] >> 4);
      }
    }
    return [l, h];
  };
  const own = literals.map((_, i) => pass(...masks(i)));
  const order = literals.map((_, i) => i).sort((a, b) => own[a] - own[b] || a - b);
  const cost = new Array<number>(nb).fill(0);
  for (const i of order) {
    const [l, h] = masks(i);
    let best = 0;
    let bestDelta = Infinity;
    for (let b = 0; b < nb; b++) {
      const nl = lo[b].map((x, k) => x | l[k]);
      const nh = hi[b].map((x, k) => x | h[k]);
      const delta = pass(nl, nh) * (size[b] + 1) - cost[b];
      if (delta < bestDelta) {
        bestDelta = delta;
        best = b;
      }
    }
    lo[best] = lo[best].map((x, k) => x | l[k]);
    hi[best] = hi[best].map((x, k) => x | h[k]);
    size[best]++;
    cost[best] += bestDelta;
    bucket[i] = best;
  }
  return bucket;
}

/** Literal checks per byte the plan's prefilter leaves on `sample` (candidate positions times their bucket sizes). */
export function checksPerByte(plan: TeddyPlan, sample: Uint8Array): number {
  const { m, sets, tables } = plan;
  const size = new Array<number>(sets * 8).fill(0);
  for (const b of plan.bucket) size[b]++;
  let checks = 0;
  for (let j = m - 1; j < sample.length; j++) {
    for (let s = 0; s < sets; s++) {
      let r = 0xff;
      for (let k = 0; k < m && r; k++) {
        const c = sample[j - (m - 1) + k];
        const base = (s * m + k) * 32;
        r &= tables[base + (c & 15)] & tables[base + 16 + (c >> 4)];
      }
      while (r) {
        const bit = 31 - Math.clz32(r & -r);
        checks += size[s * 8 + bit];
        r &= r - 1;
      }
    }
  }
  return sample.length > 0 ? checks / sample.length : 0;
}
