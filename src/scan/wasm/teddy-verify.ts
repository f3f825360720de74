/**
 * The kernel's locals and its candidate verification (generated code; see teddy-kernel.ts): for every candidate
 * position of a block, every bucket bit and every literal of that bucket, compare the literal, count it once
 * per line, and record it when asked.
 */
import { Code } from './asm.js';
import * as L from './layout.js';

// Locals (params first).
export const FROM = 0,
  LO = 1,
  END = 2;
export const I = 3,
  REM = 4,
  VALID = 5,
  LF = 6,
  CM = 7,
  J = 8,
  B = 9,
  Q = 10,
  QEND = 11,
  P = 12,
  PB = 13,
  ST = 14,
  LEN = 15,
  X = 16,
  NREC = 17,
  DATA = 18,
  BK = 19,
  IEND = 20;
export const LINES = 21,
  LINE_NO = 22,
  LB = 23; // newlines before the block being verified
export const V0 = 24; // first v128 local

/** Verification of the candidates of one bucket set: every candidate position, bucket bit and literal. */
export function emitSet(c: Code, s: number, vR: number, vZero: number): void {
  c.get(vR).get(vZero).i8x16Ne().i8x16Bitmask().get(VALID).i32And().tee(CM);
  c.if();
  c.i32(0).get(vR).v128Store(L.SCRATCH);
  c.block().loop(); // positions
  c.get(CM).i32Eqz().brIf(1);
  c.get(CM).i32Ctz().set(J);
  c.get(CM).get(CM).i32(1).i32Sub().i32And().set(CM);
  c.get(J).i32Load8u(L.SCRATCH).set(B);
  // Line number of position j: newlines before the block plus those of the block before j.
  c.get(LB).get(LF).i32(1).get(J).i32Shl().i32(1).i32Sub().i32And().i32Popcnt().i64ExtendI32u().i64Add().set(LINE_NO);
  c.block().loop(); // bucket bits
  c.get(B).i32Eqz().brIf(1);
  c.get(B)
    .i32Ctz()
    .i32(s * 8)
    .i32Add()
    .i32(8)
    .i32Mul()
    .set(BK);
  c.get(B).get(B).i32(1).i32Sub().i32And().set(B);
  c.get(BK)
    .i32Load(L.BUCKETS)
    .tee(Q)
    .get(BK)
    .i32Load(L.BUCKETS + 4)
    .i32Add()
    .set(QEND);
  c.block().loop(); // literals of the bucket
  c.get(Q).get(QEND).i32GeU().brIf(1);
  c.get(Q).i32(1).i32Shl().i32Load16u(L.LIST).tee(P).i32(L.PATTERN_STRIDE).i32Mul().set(PB);
  c.get(Q).i32(1).i32Add().set(Q);
  c.get(I).get(J).i32Add().get(PB).i32Load(L.PATTERNS).i32Sub().tee(ST).get(LO).i32LtS().brIf(0);
  c.get(ST)
    .get(PB)
    .i32Load(L.PATTERNS + 4)
    .tee(LEN)
    .i32Add()
    .get(END)
    .i32GtS()
    .brIf(0);
  c.get(ST)
    .i64Load()
    .get(PB)
    .i64Load(L.PATTERNS + 24)
    .i64And()
    .get(PB)
    .i64Load(L.PATTERNS + 16)
    .i64Ne()
    .brIf(0);
  emitVerifyRest(c);
  // Counted once per line.
  c.get(P).i32(3).i32Shl().i64Load(L.LAST).get(LINE_NO).i64Eq().brIf(0);
  c.get(P).i32(3).i32Shl().get(LINE_NO).i64Store(L.LAST);
  c.get(P).i32(2).i32Shl().tee(X).get(X).i32Load(L.COUNTS).i32(1).i32Add().i32Store(L.COUNTS);
  c.get(PB)
    .i32Load(L.PATTERNS + 12)
    .i32(L.FLAG_RECORD)
    .i32And();
  c.if();
  c.get(NREC).i32(3).i32Shl().get(ST).i32Store(L.REC);
  c.get(NREC)
    .i32(3)
    .i32Shl()
    .get(P)
    .i32Store(L.REC + 4);
  c.get(NREC).i32(1).i32Add().set(NREC);
  c.end();
  c.br(0);
  c.end().end(); // literals
  c.br(0);
  c.end().end(); // bucket bits
  c.br(0);
  c.end().end(); // positions
  c.end(); // if cm
}

/** Bytes 8.. of a literal longer than 8 (the first 8 were compared as one word): words, then the last 8. */
function emitVerifyRest(c: Code): void {
  c.get(LEN).i32(8).i32GtU();
  c.if();
  c.get(PB)
    .i32Load(L.PATTERNS + 8)
    .set(DATA);
  c.i32(8).set(X);
  c.block().loop();
  c.get(X).get(LEN).i32(8).i32Sub().i32GeS().brIf(1);
  c.get(ST).get(X).i32Add().i64Load().get(DATA).get(X).i32Add().i64Load().i64Ne().brIf(3); // to the next literal
  c.get(X).i32(8).i32Add().set(X);
  c.br(0);
  c.end().end();
  c.get(ST).get(LEN).i32Add().i32(8).i32Sub().i64Load().get(DATA).get(LEN).i32Add().i32(8).i32Sub().i64Load().i64Ne().brIf(1);
  c.end();
}
