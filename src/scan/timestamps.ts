/**
 * Byte-level timestamp readers for one log line. The hot loop asks `has()` for every line it walks (cheap
 * shape check, no allocation for ISO); `value()` (epoch ms, NaN when absent) is only asked for lines that own
 * a match, the line that ends a chunk, and lines read by a window-only scan.
 */
import { jsonFieldValue } from './json-field.js';
import { epochMsValue, isoEnd, isoHead, isoValue, isoZoned, parseTsText, skipPrefix } from './iso.js';
import { compilePattern, parsePattern } from './ts-pattern.js';
import { atBoundary, skipTo, type Skip } from './ts-presets.js';
import { zoneFn } from './ts-zone.js';

export interface TsReader {
  /** Whether the line [s, e) carries a timestamp. Must agree with `!Number.isNaN(value(...))`. */
  has(buf: Uint8Array, s: number, e: number): boolean;
  /** The line's timestamp in epoch ms, NaN when it has none. */
  value(buf: Uint8Array, s: number, e: number): number;
}

/** Serializable description of how a source's lines carry timestamps (sent to workers as is). */
export interface TsSpec {
  format: 'iso' | 'json' | 'epoch-ms' | 'regex' | 'pattern' | 'none';
  /** json: dotted path of the field (already resolved by auto-detection when the profile named none). */
  field?: string;
  /** regex: JS regex source whose first capture group is the timestamp. */
  regex?: string;
  /** pattern (and regex captures): strftime-style patterns, tried in order. */
  patterns?: string[];
  /** Where the stamp starts (presets; default: the line start after ANSI colour and one '['). */
  skip?: Skip;
  /** The stamp must not run on into letters, digits or zone characters (presets). */
  boundary?: boolean;
  /** Zone of zone-less stamps: an IANA name or an offset; default UTC. */
  zone?: string;
  /** Reference time of year-less stamps (syslog): the window end. */
  refMs?: number;
  /** The preset this spec came from (reports name it). */
  preset?: string;
}

const start = (b: Uint8Array, s: number, e: number, skip: Skip | undefined): number => (skip && skip !== 'start' ? skipTo(b, s, e, skip) : skipPrefix(b, s, e));

function fromValue(value: (b: Uint8Array, s: number, e: number) => number): TsReader {
  return { has: (b, s, e) => !Number.isNaN(value(b, s, e)), value };
}

/** Builds the reader for a source. `capBytes` bounds how much of a line is examined. */
export function createTsReader(spec: TsSpec, capBytes: number): TsReader {
  const zone = spec.zone ? zoneFn(spec.zone) : undefined;
  switch (spec.format) {
    case 'iso': {
      if (!zone && !spec.skip) {
        return {
          has: (b, s, e) => {
            const c = b[s];
            return isoHead(b, c === 0x1b || c === 0x5b ? skipPrefix(b, s, e) : s, e);
          },
          value: (b, s, e) => isoValue(b, skipPrefix(b, s, e), e),
        };
      }
      return fromValue((b, s, e) => {
        const p = start(b, s, e, spec.skip);
        if (p < 0) return NaN;
        const end = isoEnd(b, p, e);
        if (end < 0) return NaN;
        const v = isoValue(b, p, e);
        return zone && !isoZoned(b, p, end) ? zone(v) : v;
      });
    }
    case 'pattern': {
      const pats = (spec.patterns ?? []).map(compilePattern);
      const z = zone ?? ((w: number) => w);
      const ref = spec.refMs ?? Date.now();
      const out = { end: 0 };
      return fromValue((b, s, e) => {
        const end = Math.min(e, s + capBytes);
        const p = start(b, s, end, spec.skip);
        if (p < 0) return NaN;
        for (const cp of pats) {
          const v = parsePattern(b, p, end, cp, z, ref, out, zone !== undefined);
          if (!Number.isNaN(v) && (!spec.boundary || atBoundary(b, out.end, end))) return v;
        }
        return NaN;
      });
    }
    case 'epoch-ms':
      return fromValue((b, s, e) => epochMsValue(b, skipPrefix(b, s, e), e));
    case 'json': {
      const path = (spec.field ?? 'time').split('.').map((k) => Buffer.from(k, 'utf8'));
      return fromValue((b, s, e) => jsonFieldValue(b, s, Math.min(e, s + capBytes), path, zone));
    }
    case 'regex': {
      const re = new RegExp(spec.regex ?? '(?!)');
      const pats = (spec.patterns ?? []).map(compilePattern);
      const z = zone ?? ((w: number) => w);
      const ref = spec.refMs ?? Date.now();
      return fromValue((b, s, e) => {
        let end = Math.min(e, s + capBytes);
        if (end > s && b[end - 1] === 13) end--;
        const m = re.exec(Buffer.from(b.buffer, b.byteOffset + s, end - s).toString('utf8'));
        if (!m || m[1] === undefined) return NaN;
        if (pats.length === 0) return parseTsText(m[1], zone);
        const cap = Buffer.from(m[1].trim(), 'utf8');
        const out = { end: 0 };
        for (const cp of pats) {
          const v = parsePattern(cap, 0, cap.length, cp, z, ref, out, zone !== undefined);
          if (!Number.isNaN(v) && out.end === cap.length) return v;
        }
        return NaN;
      });
    }
    default:
      return { has: () => false, value: () => NaN };
  }
}
