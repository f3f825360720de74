/**
 * Byte-level timestamp readers for one log line. The hot loop asks `has()` for every line (cheap shape check,
 * no allocation); `value()` (epoch ms, NaN when absent) is only asked for lines that own a match, the line that
 * ends a chunk, and lines read by a window-only scan.
 */
import { jsonFieldValue } from './json-field.js';
import { epochMsValue, isoHead, isoValue, parseTsText, skipPrefix } from './iso.js';

export interface TsReader {
  /** Whether the line [s, e) carries a timestamp. Must agree with `!Number.isNaN(value(...))`. */
  has(buf: Uint8Array, s: number, e: number): boolean;
  /** The line's timestamp in epoch ms, NaN when it has none. */
  value(buf: Uint8Array, s: number, e: number): number;
}

/** Serializable description of how a source's lines carry timestamps (sent to workers as is). */
export interface TsSpec {
  format: 'iso' | 'json' | 'epoch-ms' | 'regex' | 'none';
  /** json: dotted path of the field (already resolved by auto-detection when the profile named none). */
  field?: string;
  /** regex: JS regex source whose first capture group is the timestamp. */
  regex?: string;
}

/** Builds the reader for a source. `capBytes` bounds how much of a line is examined. */
export function createTsReader(spec: TsSpec, capBytes: number): TsReader {
  switch (spec.format) {
    case 'iso':
      return {
        has: (b, s, e) => {
          const c = b[s];
          return isoHead(b, c === 0x1b || c === 0x5b ? skipPrefix(b, s, e) : s, e);
        },
        value: (b, s, e) => isoValue(b, skipPrefix(b, s, e), e),
      };
    case 'epoch-ms': {
      const value = (b: Uint8Array, s: number, e: number): number => epochMsValue(b, skipPrefix(b, s, e), e);
      return { has: (b, s, e) => !Number.isNaN(value(b, s, e)), value };
    }
    case 'json': {
      const path = (spec.field ?? 'time').split('.').map((k) => Buffer.from(k, 'utf8'));
      const value = (b: Uint8Array, s: number, e: number): number => jsonFieldValue(b, s, Math.min(e, s + capBytes), path);
      return { has: (b, s, e) => !Number.isNaN(value(b, s, e)), value };
    }
    case 'regex': {
      const re = new RegExp(spec.regex ?? '(?!)');
      const value = (b: Uint8Array, s: number, e: number): number => {
        let end = Math.min(e, s + capBytes);
        if (end > s && b[end - 1] === 13) end--;
        const m = re.exec(Buffer.from(b.buffer, b.byteOffset + s, end - s).toString('utf8'));
        return m && m[1] !== undefined ? parseTsText(m[1]) : NaN;
      };
      return { has: (b, s, e) => !Number.isNaN(value(b, s, e)), value };
    }
    default:
      return { has: () => false, value: () => NaN };
  }
}
