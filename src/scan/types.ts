/**
 * The scanner's contract (implementation in src/scan/). Collect and the gate call scanSignatures();
 * nothing else in the project reads log files.
 */
import type { Redactor } from '../runtime/redact.js';

import type { PresetFormat } from './ts-presets.js';

/** How a source's lines carry timestamps: a base format, `pattern` (strftime-style) or a preset name. */
export type TimestampFormat = 'auto' | 'iso' | 'json' | 'epoch-ms' | 'regex' | 'pattern' | PresetFormat;

export interface ScanSource {
  /** Source label that signatures refer to. */
  source: string;
  /** Absolute path of the live file (placeholders already expanded). */
  path: string;
  /** Also read rotated siblings: path.1, path.2.gz, ... (oldest first). */
  rotated: boolean;
  timestamp?: {
    format: TimestampFormat;
    field?: string;
    /** regex: the first capture group is the timestamp (ISO/epoch, or read with `pattern`). */
    regex?: string;
    /** pattern (and regex captures): strftime-style, e.g. "%d/%b/%Y:%H:%M:%S %z". */
    pattern?: string;
    /** Zone of zone-less stamps: IANA name ("Europe/Berlin") or offset ("+02:00"); default UTC. */
    timezone?: string;
  };
}

export interface ScanSignature {
  name: string;
  source: string;
  pattern: string;
  /** true: pattern is a JS regex source; false: literal byte search. */
  regex: boolean;
  /** A line that also matches one of these does not count for this signature. */
  exclude?: Array<{ pattern: string; regex: boolean }>;
}

export interface ScanOptions {
  /** Window [windowStartMs, windowEndMs]: countWindow counts matches whose (inherited) timestamp is inside it. */
  windowStartMs: number;
  windowEndMs: number;
  redact: Redactor;
  /** Max sample lines kept per signature (default 3), taken from the window. */
  maxSamples?: number;
  /**
   * Count countTotal over the whole files (default true). false = window-only fast path: seek to the window
   * and read only its bytes; countTotal is then null-equivalent and reported as equal to countWindow with
   * SourceScanInfo.totalsExact=false.
   */
  totals?: boolean;
  /**
   * Directory of the totals checkpoints (one small JSON file per source and signature set). With it, a
   * file's bytes already counted by an earlier run are not read again; without it every run counts
   * everything. See docs/scanner.md for when totals stay exact.
   */
  stateDir?: string;
  /** Internal knobs for tests and benchmarks; the defaults suit production. */
  tuning?: ScanTuning;
}

/** Internal scanner knobs (tests shrink them to exercise chunk and range boundaries). */
export interface ScanTuning {
  /** Read buffer per scan (default 1 MiB; a multiple of 8). */
  chunkBytes?: number;
  /** How much of a line is examined for its timestamp (default 16 KiB). */
  tsCapBytes?: number;
  /** How much of a line is kept for a sample before redaction (default 2000 bytes). */
  sampleBytes?: number;
  /** Size of the line-aligned byte ranges a full scan splits a file into (default: by file size and cores). */
  rangeBytes?: number;
  /** Inputs at least this big use the one-pass word filter for literals (default 8 MiB; 0 = always). */
  wordFilterMinBytes?: number;
  /** Threads that scan ranges, this one included (default: available cores, at most 8); 0 or 1 = this thread only. */
  workers?: number;
  /** Buffer of the totals counter (default 4 MiB; chunkBytes when only that is given). */
  countChunkBytes?: number;
  /** false: count with the JavaScript matcher instead of the WebAssembly kernel (tests compare both). */
  wasm?: boolean;
}

export interface SignatureCount {
  name: string;
  source: string;
  /** null when the window could not be computed: the source's lines carry no recognisable timestamp, or a file of it could not be read. */
  countWindow: number | null;
  countTotal: number;
  /** ISO timestamps of the first/last match inside the window (null when none). */
  firstSeen: string | null;
  lastSeen: string | null;
  /** Up to maxSamples redacted, length-capped matching lines from the window. */
  samples: string[];
}

export interface SourceScanInfo {
  source: string;
  path: string;
  /** Files actually read, oldest first. */
  files: string[];
  missing: boolean;
  /** Read error that is not "missing" (permission denied, not a regular file, ...): reported, not fatal; the window is then unknown. */
  error?: string;
  /** Base format actually used (auto-detected when the source named none); a preset reads as 'pattern' or 'iso'. */
  timestampFormat: 'iso' | 'json' | 'epoch-ms' | 'regex' | 'pattern' | 'none';
  /** The preset in use, when one is (named or auto-detected). */
  timestampPreset?: string;
  /** For json: the field path actually used (auto-detected when the source named none). */
  timestampField?: string;
  /** Lines of the files (all of them with totals; the window pass's lines for a window-only scan). */
  linesTotal: number;
  /** Lines whose timestamp was examined: the window regions of seeked files, all lines of the others. */
  linesTimestampChecked: number;
  /** Of those, lines without a timestamp of their own (they inherit the previous timestamped line's). */
  linesWithoutTimestamp: number;
  /** false when the window counts of this source are unknown (no recognisable timestamp, a file that could not be read). */
  windowKnown: boolean;
  /** Whether a binary-search seek to the window start was used (vs a full scan). */
  seeked: boolean;
  bytesRead: number;
  /** Bytes whose counts came from the checkpoint instead of being read again. */
  bytesFromCheckpoint: number;
  /** false when totals were skipped (window-only scan) or a file could not be counted. */
  totalsExact: boolean;
}

export interface ScanResult {
  signatures: SignatureCount[];
  sources: SourceScanInfo[];
}
