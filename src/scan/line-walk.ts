/**
 * The per-line pass over a chunk region: counts lines and lines without a timestamp of their own, remembers
 * the first and last timestamped line (for the carried timestamp). The full-scan walk only asks "has a
 * timestamp?"; the window-only walk parses every timestamp to stop past the window and to detect disorder.
 */
import type { TsReader } from './timestamps.js';

/** Out-of-order tolerance of a time-ordered file (multi-threaded loggers interleave by a few ms). */
export const ORDER_SLACK_MS = 60_000;

export interface WalkResult {
  lines: number;
  noTs: number;
  /** Region offsets of the first/last timestamped line (-1 when none). */
  firstTsLine: number;
  lastTsLine: number;
  /** Where the region's lines stop counting (the region end unless a window walk stopped). */
  stopAt: number;
}

/** Mutable state of a window-only scan across chunks. */
export interface WindowWalkState {
  /** Latest timestamp among the sampled lines (checked in file order). */
  maxTs: number;
  /** Latest timestamp among the lines that own a match (a second sequence in file order). */
  maxOwnerTs: number;
  firstTs: number;
  disorder: boolean;
  stopped: boolean;
}

/** Full-scan walk of the lines starting at s in view[.., re). */
export function walkFull(view: Buffer, s: number, re: number, reader: TsReader, cap: number): WalkResult {
  let lines = 0;
  let noTs = 0;
  let firstTsLine = -1;
  let lastTsLine = -1;
  while (s < re) {
    let e = view.indexOf(10, s);
    if (e < 0) e = re;
    lines++;
    if (reader.has(view, s, e - s > cap ? s + cap : e)) {
      if (firstTsLine < 0) firstTsLine = s;
      lastTsLine = s;
    } else noTs++;
    s = e + 1;
  }
  return { lines, noTs, firstTsLine, lastTsLine, stopAt: re };
}

/** Parse one timestamped line in this many during a window-only walk (plus the first of each region). */
const PARSE_EVERY = 32;

/**
 * Window-only walk: like the full walk, but parses a sample of the timestamps (the first timestamped line of
 * the region and every PARSE_EVERY-th after it) to stop past the window and to notice disorder. Stopping at a
 * sampled line is safe in an ordered file: every later line is past the window too. Parsing every line would
 * make a cold (not yet JIT-compiled) window scan several times slower.
 */
export function walkWindow(view: Buffer, s: number, re: number, reader: TsReader, cap: number, stopAfter: number, st: WindowWalkState): WalkResult {
  const r: WalkResult = { lines: 0, noTs: 0, firstTsLine: -1, lastTsLine: -1, stopAt: re };
  let sinceParse = PARSE_EVERY;
  while (s < re) {
    let e = view.indexOf(10, s);
    if (e < 0) e = re;
    const end = e - s > cap ? s + cap : e;
    if (reader.has(view, s, end)) {
      if (sinceParse >= PARSE_EVERY || r.firstTsLine < 0) {
        sinceParse = 0;
        const v = reader.value(view, s, end);
        if (Number.isNaN(st.firstTs)) st.firstTs = v;
        if (noteOrder(v, st, 'maxTs') > stopAfter || st.disorder) {
          r.stopAt = s;
          st.stopped = true;
          break;
        }
      }
      sinceParse++;
      if (r.firstTsLine < 0) r.firstTsLine = s;
      r.lastTsLine = s;
    } else r.noTs++;
    r.lines++;
    s = e + 1;
  }
  return r;
}

/**
 * Records a parsed timestamp of a window-only scan, in file order within its sequence; going back by more than
 * the slack flags disorder and stops the scan (the caller then scans the whole file).
 */
export function noteOrder(v: number, st: WindowWalkState, seq: 'maxTs' | 'maxOwnerTs'): number {
  if (v < st[seq] - ORDER_SLACK_MS) st.disorder = st.stopped = true;
  if (v > st[seq]) st[seq] = v;
  return v;
}
