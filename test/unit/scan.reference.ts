/**
 * The naive reference the scanner is checked against: whole (small) files in memory, split into lines, regex
 * timestamp parsing, JSON.parse, per-line String/Buffer search. Written independently of src/scan on purpose;
 * it shares only the documented semantics (see src/scan/chunk-scanner.ts).
 */
import type { TsSpec } from '../../src/scan/timestamps.js';

export interface RefSig {
  pattern: string;
  regex: boolean;
}

export interface RefOptions {
  ts: TsSpec;
  windowStartMs: number;
  windowEndMs: number;
  tsCapBytes: number;
  sampleBytes: number;
  maxSamples: number;
}

export interface RefCount {
  countTotal: number;
  countWindow: number;
  firstSeen: string | null;
  lastSeen: string | null;
  samples: string[];
}

export interface RefResult {
  sigs: RefCount[];
  lines: number;
  linesNoTs: number;
}

const ANSI_PREFIX = /^(?:\x1b\[[0-?]*[ -/]*[@-~])*\[?/;
const ISO = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(Z|z|[+-]\d\d(?::?\d\d)?)?/;

function isoText(text: string): number {
  const m = ISO.exec(text);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s) + (m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0);
  const z = m[8];
  if (z && z !== 'Z' && z !== 'z') {
    const sign = z[0] === '+' ? 1 : -1;
    const digits = z.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + (digits.length >= 4 ? Number(digits.slice(2, 4)) : 0)) * 60000;
  }
  return ms;
}

function textTs(text: string): number {
  const t = text.trim();
  if (/^\d{13}$/.test(t)) return Number(t);
  if (/^\d{9,10}(\.\d+)?$/.test(t)) return Math.floor(Number(t) * 1000);
  const m = ISO.exec(t);
  return m && m[0].length === t.length ? isoText(t) : NaN;
}

function lineTs(line: Buffer, opts: RefOptions): number {
  const head = line.subarray(0, opts.tsCapBytes);
  const latin = head.toString('latin1');
  switch (opts.ts.format) {
    case 'iso':
      return isoText(latin.slice(ANSI_PREFIX.exec(latin)?.[0].length ?? 0));
    case 'epoch-ms': {
      const m = /^(\d{13})(?!\d)/.exec(latin.slice(ANSI_PREFIX.exec(latin)?.[0].length ?? 0));
      return m ? Number(m[1]) : NaN;
    }
    case 'json': {
      let obj: unknown;
      try {
        obj = JSON.parse(head.toString('utf8'));
      } catch {
        return NaN;
      }
      let v: unknown = obj;
      for (const k of (opts.ts.field ?? 'time').split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
      if (typeof v === 'string') return textTs(v);
      if (typeof v === 'number' && v > 0) return Math.floor(v >= 1e11 ? v : v * 1000);
      return NaN;
    }
    case 'regex': {
      let text = head.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      const m = new RegExp(opts.ts.regex as string).exec(text);
      return m && m[1] !== undefined ? textTs(m[1]) : NaN;
    }
    default:
      return NaN;
  }
}

function clean(bytes: Buffer): string {
  let t = bytes.toString('utf8').replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '');
  if (t.endsWith('\r')) t = t.slice(0, -1);
  return t;
}

/** `msg: <value>` of a JSON object line's first non-empty string msg/message field (value as JSON writes it), else null. */
function messageLead(line: Buffer, sampleBytes: number): string | null {
  let obj: unknown;
  try {
    obj = JSON.parse(line.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return null;
  for (const [k, v] of Object.entries(obj)) {
    if ((k === 'msg' || k === 'message') && typeof v === 'string' && v !== '') {
      return `${k}: ${clean(Buffer.from(JSON.stringify(v).slice(1, -1), 'utf8').subarray(0, sampleBytes))}`;
    }
  }
  return null;
}

function sample(line: Buffer, at: number, m: number, sampleBytes: number): string {
  const c = Math.max(8, Math.floor(sampleBytes / 16));
  const excerpt =
    m === 0 || at + m <= Math.floor(sampleBytes / 5)
      ? clean(line.subarray(0, sampleBytes))
      : `${clean(line.subarray(0, c))} … ${clean(line.subarray(Math.max(0, at - c), at + m + c))}`;
  const lead = messageLead(line, sampleBytes);
  return lead === null ? excerpt : `${lead} … ${excerpt}`;
}

/** Splits a file into lines (LF; a last line without LF counts; no phantom line after a final LF). */
export function splitLines(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let s = 0;
  while (s < file.length) {
    let e = file.indexOf(10, s);
    if (e < 0) e = file.length;
    out.push(file.subarray(s, e));
    s = e + 1;
  }
  return out;
}

/** Reference scan of whole files (oldest first); each file starts without an inherited timestamp. */
export function referenceScan(files: Buffer[], sigs: RefSig[], opts: RefOptions): RefResult {
  const res: RefResult = { sigs: sigs.map(() => ({ countTotal: 0, countWindow: 0, firstSeen: null, lastSeen: null, samples: [] })), lines: 0, linesNoTs: 0 };
  const min = sigs.map(() => Infinity);
  const max = sigs.map(() => -Infinity);
  for (const file of files) {
    let owner = NaN;
    for (const line of splitLines(file)) {
      res.lines++;
      const ts = lineTs(line, opts);
      if (Number.isNaN(ts)) res.linesNoTs++;
      else owner = ts;
      sigs.forEach((sig, i) => {
        let at = -1;
        if (sig.regex) {
          let text = line.toString('utf8');
          if (text.endsWith('\r')) text = text.slice(0, -1);
          at = new RegExp(sig.pattern, 'm').test(text) ? 0 : -1;
        } else at = line.indexOf(Buffer.from(sig.pattern, 'utf8'));
        if (at < 0) return;
        const r = res.sigs[i];
        r.countTotal++;
        if (owner >= opts.windowStartMs && owner <= opts.windowEndMs) {
          r.countWindow++;
          min[i] = Math.min(min[i], owner);
          max[i] = Math.max(max[i], owner);
          if (r.samples.length < opts.maxSamples) r.samples.push(sample(line, at, sig.regex ? 0 : Buffer.byteLength(sig.pattern), opts.sampleBytes));
        }
      });
    }
  }
  res.sigs.forEach((r, i) => {
    r.firstSeen = Number.isFinite(min[i]) ? new Date(min[i]).toISOString() : null;
    r.lastSeen = Number.isFinite(max[i]) ? new Date(max[i]).toISOString() : null;
  });
  return res;
}
