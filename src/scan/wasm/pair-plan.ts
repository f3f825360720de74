/**
 * Plans the single-literal prefilter (the "packed pair" idea of memchr's memmem): two bytes of the literal at
 * distance d, the two rarest in a sample of the data. The kernel tests a block with two compares (the bytes at j
 * and j-d), a third of the work of a Teddy fingerprint's nibble lookups, and on log text a pair of rare bytes is
 * as selective as a 3-byte fingerprint. With one literal this is where a full scan spends its time (bench/scan.mjs,
 * the "1 literal" row).
 */
import type { TeddyPlan } from './teddy-plan.js';

/** Above this share of sample positions passing the pair, the Teddy fingerprint is used instead. */
const MAX_CANDIDATE_RATE = 1 / 2000;

/** The pair plan of one literal, or null (shorter than 2 bytes, or a pair too common in the sample). */
export function planPair(literal: Uint8Array, sample: Uint8Array): TeddyPlan | null {
  if (literal.length < 2) return null;
  const hist = new Float64Array(256);
  for (let i = 0; i < sample.length; i++) hist[sample[i]]++;
  const order = Array.from(literal.keys()).sort((a, b) => hist[literal[a]] - hist[literal[b]] || a - b);
  const first = order[0];
  // two different byte values where the literal has them: a repeated byte pairs with itself too often
  const second = order.find((k) => k !== first && literal[k] !== literal[first]) ?? order[1];
  const o1 = Math.min(first, second);
  const o2 = Math.max(first, second);
  const d = o2 - o1;
  const b1 = literal[o1];
  const b2 = literal[o2];
  let passed = 0;
  for (let j = d; j < sample.length; j++) if (sample[j] === b2 && sample[j - d] === b1) passed++;
  if (sample.length > 0 && passed / sample.length > MAX_CANDIDATE_RATE) return null;
  const tables = new Uint8Array(32);
  tables.fill(b1, 0, 16);
  tables.fill(b2, 16, 32);
  // As a Teddy plan: one bucket, a "fingerprint" from o1 to o2 (verification starts the literal at j - o2).
  return { m: d + 1, sets: 1, offset: [o1], bucket: [0], tables, pair: d };
}
