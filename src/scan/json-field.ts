/**
 * Reads fields of a JSON log line straight from its bytes: walks the object, skipping values it does not need,
 * descending only along the field path. No JSON.parse, no string per line; a line that is not a JSON object (or
 * is cut off before the field) simply has no timestamp. The message field is found the same way, for samples.
 */
import { parseTsText } from './iso.js';

const QUOTE = 34;
const MAX_DATE_MS = 8.64e15; // the largest epoch ms a Date can hold
const BACKSLASH = 92;

function skipWs(b: Uint8Array, i: number, e: number): number {
  while (i < e && (b[i] === 32 || b[i] === 9 || b[i] === 13 || b[i] === 10)) i++;
  return i;
}

/** Index after the string whose opening quote is at i, or -1 when it does not end before e. */
function skipString(b: Uint8Array, i: number, e: number): number {
  for (i++; i < e; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/** Index after the value starting at i (string, object, array or scalar), or -1. */
function skipValue(b: Uint8Array, i: number, e: number): number {
  const c = b[i];
  if (c === QUOTE) return skipString(b, i, e);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    while (i < e) {
      const d = b[i];
      if (d === QUOTE) {
        i = skipString(b, i, e);
        if (i < 0) return -1;
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  while (i < e) {
    const d = b[i];
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 32 || d === 9 || d === 13 || d === 10) break;
    i++;
  }
  return i;
}

function keyEquals(b: Uint8Array, s: number, e: number, key: Uint8Array): boolean {
  if (e - s !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (b[s + k] !== key[k]) return false;
  return true;
}

/** Interprets a JSON value as a timestamp: ISO or digit strings, numbers as epoch ms (>= 1e11) or seconds. */
function valueAt(b: Uint8Array, i: number, e: number, zone?: (w: number) => number): number {
  if (b[i] === QUOTE) {
    const end = skipString(b, i, e);
    if (end < 0) return NaN;
    return parseTsText(Buffer.from(b.buffer, b.byteOffset + i + 1, end - i - 2).toString('latin1'), zone);
  }
  const end = skipValue(b, i, e);
  if (end <= i) return NaN;
  const text = Buffer.from(b.buffer, b.byteOffset + i, end - i).toString('latin1');
  if (!/^\d+(\.\d+)?$/.test(text)) return NaN;
  const n = Number(text);
  const ms = Math.floor(n >= 1e11 ? n : n * 1000);
  return ms > 0 && ms <= MAX_DATE_MS ? ms : NaN;
}

/** Timestamp (epoch ms) at the dotted `path` of the JSON object line [s, e); NaN when absent or unparseable. */
export function jsonFieldValue(b: Uint8Array, s: number, e: number, path: Uint8Array[], zone?: (w: number) => number): number {
  let i = skipWs(b, s, e);
  if (b[i] !== 0x7b) return NaN;
  let level = 0;
  i++;
  for (;;) {
    i = skipWs(b, i, e);
    if (i >= e || b[i] !== QUOTE) return NaN; // '}' (field absent), truncated or not JSON
    const kEnd = skipString(b, i, e);
    if (kEnd < 0) return NaN;
    const hit = keyEquals(b, i + 1, kEnd - 1, path[level]);
    i = skipWs(b, kEnd, e);
    if (b[i] !== 0x3a) return NaN;
    i = skipWs(b, i + 1, e);
    if (i >= e) return NaN;
    if (hit) {
      if (level === path.length - 1) return valueAt(b, i, e, zone);
      if (b[i] !== 0x7b) return NaN;
      level++;
      i++;
      continue;
    }
    i = skipValue(b, i, e);
    if (i < 0) return NaN;
    i = skipWs(b, i, e);
    if (b[i] === 0x2c) i++;
    else return NaN;
  }
}

/** Top-level fields that carry a JSON log line's message (pino, bunyan, zap, slog, logrus: msg; winston: message). */
export const JSON_MESSAGE_FIELDS = ['msg', 'message'] as const;
const MESSAGE_KEYS = JSON_MESSAGE_FIELDS.map((k) => Buffer.from(k));

/**
 * The first top-level message field (JSON_MESSAGE_FIELDS) of the JSON object line [s, e) whose value is a
 * non-empty string: its key and the byte range of the value between its quotes (escapes kept as written; a value
 * cut off by `e` runs to e). null when the line is not a JSON object or has no such field before `e`.
 */
export function jsonMessageField(b: Uint8Array, s: number, e: number): { key: string; start: number; end: number } | null {
  let i = skipWs(b, s, e);
  if (b[i] !== 0x7b) return null;
  i++;
  for (;;) {
    i = skipWs(b, i, e);
    if (i >= e || b[i] !== QUOTE) return null;
    const kEnd = skipString(b, i, e);
    if (kEnd < 0) return null;
    const k = MESSAGE_KEYS.findIndex((key) => keyEquals(b, i + 1, kEnd - 1, key));
    i = skipWs(b, kEnd, e);
    if (b[i] !== 0x3a) return null;
    i = skipWs(b, i + 1, e);
    if (i >= e) return null;
    if (k >= 0 && b[i] === QUOTE) {
      const end = skipString(b, i, e);
      const valueEnd = end < 0 ? e : end - 1;
      if (valueEnd > i + 1) return { key: JSON_MESSAGE_FIELDS[k], start: i + 1, end: valueEnd };
    }
    i = skipValue(b, i, e);
    if (i < 0) return null;
    i = skipWs(b, i, e);
    if (b[i] === 0x2c) i++;
    else return null;
  }
}
