/**
 * Serializable shapes exchanged between the orchestrator and the scanning code (possibly in a worker thread):
 * what to scan for, and the partial counts one file or byte range produced.
 */
import type { TsSpec } from './timestamps.js';

/** A pattern: a literal (UTF-8 bytes) or a JavaScript regex source. */
export interface PatternSpec {
  pattern: string;
  regex: boolean;
}

/** A signature as the scanning code sees it: its pattern and the patterns that cancel it on a line. */
export interface SigSpec extends PatternSpec {
  exclude?: PatternSpec[];
}

export interface ScanParams {
  sigs: SigSpec[];
  ts: TsSpec;
  windowStartMs: number;
  windowEndMs: number;
  maxSamples: number;
  /** Window-only scan: parse every timestamp, stop past the window, flag disorder (caller falls back). */
  windowOnly: boolean;
  /**
   * Use the one-pass word filter for long literals (fast once JIT-compiled, for big inputs); otherwise one
   * native Buffer.indexOf pass per literal, which wins on small inputs where the filter loop would still be cold.
   */
  wordFilter: boolean;
  /** Buffer size; a multiple of 8, large against caps and patterns. */
  chunkSize: number;
  /** How much of a line is examined for its timestamp. */
  tsCapBytes: number;
  /** How much of a line is kept for a sample (before redaction and the final character cap). */
  sampleBytes: number;
}

export interface SigPartial {
  total: number;
  window: number;
  minTs: number | null;
  maxTs: number | null;
  /** Decoded, ANSI-stripped, not yet redacted. */
  samples: string[];
}

export interface PartialResult {
  sigs: SigPartial[];
  lines: number;
  linesNoTs: number;
  bytesRead: number;
  /** First timestamp seen by this scan (null when none). */
  firstTs: number | null;
  /** Window-only scan saw timestamps go backwards by more than the slack: the caller must full-scan. */
  disorder: boolean;
  /** Window-only scan stopped early past the window end. */
  stopped: boolean;
}

/** Defaults of the internal tuning knobs (tests shrink them to exercise chunk and range boundaries). */
export const DEFAULT_CHUNK = 1 << 20;
/** The totals counter's buffer: bigger, so a kernel call and a read cover more bytes each. */
export const DEFAULT_COUNT_CHUNK = 4 << 20;
export const DEFAULT_TS_CAP = 16 * 1024;
export const DEFAULT_SAMPLE_BYTES = 2000;
/** Inputs at least this big use the word filter (see ScanParams.wordFilter). */
export const WORD_FILTER_MIN = 8 << 20;

/** What the totals counter (count.ts) needs: no timestamps, no window. */
export interface CountParams {
  sigs: SigSpec[];
  /** Buffer size (inside the kernel's memory when WebAssembly runs). */
  chunkSize: number;
  /** Keep up to this many matching lines per signature (appended-bytes scans); 0 = counts only. */
  keepLines: number;
  /** Bytes of a kept line (before decoding and redaction). */
  lineBytes: number;
  /** Use the WebAssembly kernel (false: the JavaScript matcher, for runtimes without WebAssembly SIMD). */
  wasm: boolean;
}

/** A kept matching line: signature index, absolute offset of the line start, decoded text (not redacted). */
export interface CountHit {
  sig: number;
  offset: number;
  text: string;
}

export interface CountResult {
  /** Per signature, lines matched in the range (a last line without LF included). */
  counts: number[];
  lines: number;
  /** End of the last complete line (absolute), and the counts and lines up to it: where a checkpoint resumes. */
  committedOffset: number;
  committedCounts: number[];
  committedLines: number;
  bytesRead: number;
  hits: CountHit[];
}

/** Signature specs as the scanning code takes them (name and source dropped, exclusions kept). */
export function sigSpecs(sigs: Array<SigSpec & { name?: string; source?: string }>): SigSpec[] {
  return sigs.map((s) => ({ pattern: s.pattern, regex: s.regex, ...(s.exclude?.length ? { exclude: s.exclude } : {}) }));
}
