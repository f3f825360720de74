/**
 * Memory layout shared by the kernel generator (teddy-kernel.ts) and its JavaScript driver (teddy.ts).
 * Fixed addresses keep the generated code free of pointer arithmetic for tables it reads every block.
 */

/** i64: newlines seen so far (the kernel's line number; the driver reads and resets it). */
export const LINES = 0;
/** i32: number of match records written. */
export const NREC = 8;
/** i32: the kernel returns early once NREC exceeds this (room for one more block's worth of records). */
export const REC_LIMIT = 12;
/** 16 bytes of scratch: the lanes of a candidate vector, read back one byte at a time. */
export const SCRATCH = 16;
/** Nibble tables: for set s and fingerprint position k, lo at TABLES + (s*m + k)*32, hi 16 bytes after. */
export const TABLES = 64;
/** Per bucket (set*8 + bit): i32 first index into LIST, i32 count. */
export const BUCKETS = 1024;
/** u16 pattern ids, grouped by bucket. */
export const LIST = 2048;
/** Per pattern, 32 bytes: i32 offset of the fingerprint end, i32 length, i32 data address, i32 flags, i64 prefix, i64 mask. */
export const PATTERNS = 16384;
export const PATTERN_STRIDE = 32;
/** Most literals one kernel instance holds (more fall back to the JavaScript matcher). */
export const MAX_PATTERNS = 4096;
/** i32 per pattern: lines matched (reset by the driver after reading). */
export const COUNTS = PATTERNS + MAX_PATTERNS * PATTERN_STRIDE;
/** i64 per pattern: line number of the last line counted (one count per line). */
export const LAST = COUNTS + MAX_PATTERNS * 4;
/** Pattern bytes (8-byte aligned each). */
export const PDATA = LAST + MAX_PATTERNS * 8;
export const PDATA_BYTES = 64 * 1024;
/** Match records: i32 start position, i32 pattern id. */
export const REC = PDATA + PDATA_BYTES;
export const REC_MAX = 65536;
/** Where the data buffers start; everything before is tables. */
export const DATA = REC + REC_MAX * 8;
/** Bytes after a buffer the kernel may read (vector loads at i + k run past the end). */
export const PAD = 64;
/** Flag: write a record for every counted match of this pattern. */
export const FLAG_RECORD = 1;
