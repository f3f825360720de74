/**
 * Serializable shapes exchanged between the orchestrator and the scanning code (possibly in a worker thread):
 * what to scan for, and the partial counts one file or byte range produced.
 */
import type { TsSpec } from './timestamps.js';

export interface ScanParams {
  sigs: Array<{ pattern: string; regex: boolean }>;
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
export const DEFAULT_TS_CAP = 16 * 1024;
export const DEFAULT_SAMPLE_BYTES = 2000;
/** Inputs at least this big use the word filter (see ScanParams.wordFilter). */
export const WORD_FILTER_MIN = 8 << 20;
