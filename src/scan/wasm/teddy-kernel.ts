/**
 * Generates the multi-literal search kernel: a Teddy-style SIMD prefilter (the approach Hyperscan and
 * ripgrep use) over 16-byte blocks, newline counting in the same pass, candidate verification and per-line
 * de-duplication, all in WebAssembly SIMD. A pair kernel (one literal, pair-plan.ts) replaces the nibble lookups
 * by two byte compares per block and shares everything else.
 *
 * Each literal has a fingerprint of `m` bytes at an offset of its choosing (its rarest m-gram). For every
 * fingerprint position k there are two 16-entry tables per set of 8 buckets: bucket bits by low nibble and by
 * high nibble. Each byte of a block looks both up (i8x16.swizzle), giving t[k]: the buckets whose fingerprint
 * byte k is here. AND-ing t[m-1] with t[k] shifted by m-1-k bytes (carried over from the previous block, an
 * alignr) leaves, per position j, the buckets whose fingerprint may end at j: one load and one nibble split
 * per block whatever m is. Candidates are verified against each literal of the bucket (the first 8 bytes as
 * one masked i64 compare). A match is counted once per line: the line number comes from the newline bitmask
 * of the block.
 *
 * scan(from, lo, end) -> resume: scans blocks from `from` up to `end`; matches must lie in [lo, end). Returns
 * `end`, or the start of the next block when the record area is nearly full (the driver drains and resumes).
 */
import { Code, I32, I64, moduleBytes, V128 } from './asm.js';
import * as L from './layout.js';

export interface KernelShape {
  /** Fingerprint length, 1..4. */
  m: number;
  /** Sets of 8 buckets, 1..2. */
  sets: number;
  /** 64 KiB pages of memory (fixed). */
  pages: number;
  /** Use i8x16.relaxed_swizzle (one pshufb instead of two instructions) where the runtime has it. */
  relaxed?: boolean;
  /** A pair kernel (one literal, pair-plan.ts): the distance of its two bytes; m and sets are then unused. */
  pair?: number;
}

import { emitSet, FROM, END, I, REM, VALID, LF, X, NREC, IEND, LINES, LB, V0 } from './teddy-verify.js';

/** The kernel's WebAssembly bytes for a shape. */
export function kernelBytes(shape: KernelShape): Uint8Array {
  const { m, sets } = shape;
  const vNl = V0,
    vNib = V0 + 1,
    vZero = V0 + 2,
    vLo = V0 + 3,
    vHi = V0 + 4,
    vTmp = V0 + 5;
  const tab0 = V0 + 6;
  const pair = shape.pair;
  // pair kernel: the splats of its two bytes and of the bucket bit, where the nibble tables would be
  const vB1 = tab0,
    vB2 = tab0 + 1,
    vOne = tab0 + 2;
  const tLo = (s: number, k: number) => tab0 + (s * m + k) * 2;
  const tHi = (s: number, k: number) => tab0 + (s * m + k) * 2 + 1;
  const prev0 = pair !== undefined ? tab0 + 3 : tab0 + sets * m * 2; // t of the previous block, per set and position k < m-1
  const vPrev = (s: number, k: number) => prev0 + s * (m - 1) + k;
  const r0 = pair !== undefined ? prev0 : prev0 + sets * (m - 1);
  const vR = (s: number) => r0 + s;
  const vAcc = r0 + sets; // per-lane newline counts of up to 255 full blocks
  const vLf = vAcc + 1;
  const v128Count = vLf + 1 - V0;
  const swz = (c: Code) => (shape.relaxed ? c.i8x16RelaxedSwizzle() : c.i8x16Swizzle());
  /** Pushes t[s][k] of the block whose nibbles are in vLo/vHi: bucket bits whose byte k is here. */
  const pushT = (c: Code, s: number, k: number) => {
    c.get(tLo(s, k)).get(vLo);
    swz(c);
    c.get(tHi(s, k)).get(vHi);
    swz(c);
    c.v128And();
  };
  const nibbles = (c: Code) => {
    c.tee(vTmp).get(vNib).v128And().set(vLo);
    c.get(vTmp).i32(4).i16x8ShrU().get(vNib).v128And().set(vHi);
  };

  const c = new Code();
  c.i32(10).i8x16Splat().set(vNl);
  c.i32(15).i8x16Splat().set(vNib);
  c.i32(0).i8x16Splat().set(vZero);
  if (pair !== undefined) {
    c.i32(0).v128Load(L.TABLES).set(vB1);
    c.i32(0)
      .v128Load(L.TABLES + 16)
      .set(vB2);
    c.i32(1).i8x16Splat().set(vOne);
  }
  for (let s = 0; s < (pair !== undefined ? 0 : sets); s++) {
    for (let k = 0; k < m; k++) {
      c.i32(0)
        .v128Load(L.TABLES + (s * m + k) * 32)
        .set(tLo(s, k));
      c.i32(0)
        .v128Load(L.TABLES + (s * m + k) * 32 + 16)
        .set(tHi(s, k));
    }
  }
  c.i32(0).i64Load(L.LINES).set(LINES);
  c.i32(0).i32Load(L.NREC).set(NREC);
  c.get(FROM).set(I);
  // The block before `from` seeds the fingerprints that straddle it (bytes before `lo` only yield candidates
  // that start before `lo`, which verification rejects). A pair kernel reads those bytes where they are.
  if (pair === undefined) {
    c.get(I).i32(16).i32Sub().v128Load();
    nibbles(c);
    for (let s = 0; s < sets; s++) {
      for (let k = 0; k < m - 1; k++) {
        pushT(c, s, k);
        c.set(vPrev(s, k));
      }
    }
  }

  /** r[s] of the block whose nibbles are in vLo/vHi: buckets whose fingerprint ends at j (t[k] shifted by m-1-k bytes). */
  const teddy = () => {
    for (let s = 0; s < sets; s++) {
      pushT(c, s, m - 1);
      for (let k = m - 2; k >= 0; k--) {
        const shift = m - 1 - k;
        c.get(vPrev(s, k));
        pushT(c, s, k);
        c.tee(vTmp)
          .i8x16Shuffle(Array.from({ length: 16 }, (_, j) => 16 - shift + j))
          .v128And();
        c.get(vTmp).set(vPrev(s, k));
      }
      c.set(vR(s));
    }
    c.get(vR(0));
    for (let s = 1; s < sets; s++) c.get(vR(s)).v128Or();
    c.v128AnyTrue();
  };
  /** Pair kernel, the block in vTmp: positions j whose byte is b2 with b1 at j - d (0xff lanes) in vR(0). */
  const pairTest = () => {
    c.get(vTmp).get(vB2).i8x16Eq();
    c.get(I)
      .i32(pair as number)
      .i32Sub()
      .v128Load()
      .get(vB1)
      .i8x16Eq();
    c.v128And().tee(vR(0)).v128AnyTrue();
  };
  /** Leaves the candidate test of the block in vTmp: a non-zero i32 when some position may end a fingerprint. */
  const candidates = () => {
    if (pair !== undefined) return pairTest();
    c.get(vTmp);
    nibbles(c);
    teddy();
  };
  /** Verifies the candidates (a pair kernel's lanes become bucket 0's bit first). */
  const verify = () => {
    if (pair !== undefined) c.get(vR(0)).get(vOne).v128And().set(vR(0));
    for (let s = 0; s < (pair !== undefined ? 1 : sets); s++) emitSet(c, s, vR(s), vZero);
  };
  /** Pushes the newlines counted in vAcc (i64). */
  const accSum = () => {
    c.get(vAcc).i16x8ExtaddPairwiseI8x16u().i32x4ExtaddPairwiseI16x8u().tee(vTmp).i32x4ExtractLane(0);
    for (let l = 1; l < 4; l++) c.get(vTmp).i32x4ExtractLane(l).i32Add();
    c.i64ExtendI32u();
  };

  c.block(); // $done
  c.loop(); // $outer
  c.get(I).get(END).i32GeS().brIf(1);
  c.get(END).get(I).i32Sub().tee(REM).i32(16).i32GeS();
  c.if(); // full blocks: newlines summed per lane, line numbers only where a candidate needs one
  c.get(END)
    .i32(15)
    .i32Sub()
    .tee(IEND)
    .get(I)
    .i32(255 * 16)
    .i32Add()
    .tee(X)
    .i32GtS();
  c.if().get(X).set(IEND).end();
  c.get(vZero).set(vAcc);
  c.i32(0xffff).set(VALID);
  c.block().loop(); // $inner
  c.get(I).get(IEND).i32GeS().brIf(1);
  c.get(I).v128Load().tee(vTmp).get(vNl).i8x16Eq().tee(vLf);
  c.get(vAcc).get(vLf).i8x16Sub().set(vAcc); // eq lanes are -1: subtracting counts them
  candidates();
  c.if();
  c.get(vLf).i8x16Bitmask().set(LF);
  c.get(LINES);
  accSum();
  c.i64Add().get(LF).i32Popcnt().i64ExtendI32u().i64Sub().set(LB);
  verify();
  // Record area nearly full: stop after this block, the driver drains it and calls again from the next.
  c.get(NREC).i32(0).i32Load(L.REC_LIMIT).i32GtU();
  c.if();
  c.get(LINES);
  accSum();
  c.i64Add().set(LINES);
  c.get(I).i32(16).i32Add().set(I);
  c.br(6); // $done
  c.end();
  c.end();
  c.get(I).i32(16).i32Add().set(I);
  c.br(0);
  c.end().end(); // $inner
  c.get(LINES);
  accSum();
  c.i64Add().set(LINES);
  c.else(); // the last, partial block: only positions inside [i, end) count
  c.i32(1).get(REM).i32Shl().i32(1).i32Sub().set(VALID);
  c.get(I).v128Load().tee(vTmp).get(vNl).i8x16Eq().i8x16Bitmask().get(VALID).i32And().set(LF);
  candidates();
  c.if();
  c.get(LINES).set(LB);
  verify();
  c.end();
  c.get(LINES).get(LF).i32Popcnt().i64ExtendI32u().i64Add().set(LINES);
  c.get(I).i32(16).i32Add().set(I);
  c.end();
  c.br(0);
  c.end(); // $outer
  c.end(); // $done
  c.i32(0).get(LINES).i64Store(L.LINES);
  c.i32(0).get(NREC).i32Store(L.NREC);
  c.get(I).get(END).i32GtU();
  c.if().get(END).set(I).end();
  c.get(I);

  const locals = [...new Array(LINES - I).fill(I32), I64, I64, I64, ...new Array(v128Count).fill(V128)];
  return moduleBytes(shape.pages, [{ name: 'scan', params: [I32, I32, I32], results: [I32], locals, body: c }]);
}
