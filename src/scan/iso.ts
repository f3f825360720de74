/**
 * Timestamp grammars read straight from bytes: ISO-8601 (after ANSI colour escapes), epoch milliseconds, and
 * timestamps given as text (JSON string values, regex captures). No Date objects, no per-line strings.
 */

const ESC = 0x1b;
const MAX_PREFIX_SKIP = 128; // ANSI colour escapes before the timestamp; a line with more is treated as having none

/** Index after ANSI escape sequences and one optional '[' at p (bounded), so `\x1b[2m[2024-...` reads as ISO. */
export function skipPrefix(b: Uint8Array, p: number, e: number): number {
  const c = b[p];
  if (c !== ESC && c !== 0x5b) return p; // the common case, kept cheap
  const limit = Math.min(e, p + MAX_PREFIX_SKIP);
  while (p + 1 < limit && b[p] === ESC && b[p + 1] === 0x5b) {
    let q = p + 2;
    while (q < limit && b[q] >= 0x20 && b[q] <= 0x3f) q++; // parameter + intermediate bytes
    if (q >= limit || b[q] < 0x40 || b[q] > 0x7e) return p; // not a complete CSI sequence: stop skipping
    p = q + 1;
  }
  if (p < e && b[p] === 0x5b) p++;
  return p;
}

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const d2 = (b: Uint8Array, i: number): number => (b[i] - 48) * 10 + (b[i + 1] - 48);

/**
 * Whether the 19 bytes at p are `YYYY-MM-DD[T ]HH:MM:SS` with plausible field ranges. Straight-line checks:
 * this runs for every line of a full scan. `(c - 48) >>> 0 > 9` reads "c is not a digit".
 */
export function isoHead(b: Uint8Array, p: number, e: number): boolean {
  if (p + 19 > e) return false;
  if ((b[p] - 48) >>> 0 > 9 || (b[p + 1] - 48) >>> 0 > 9 || (b[p + 2] - 48) >>> 0 > 9 || (b[p + 3] - 48) >>> 0 > 9) return false;
  if (b[p + 4] !== 45 || b[p + 7] !== 45 || b[p + 13] !== 58 || b[p + 16] !== 58) return false;
  const t = b[p + 10];
  if (t !== 84 && t !== 32 && t !== 116) return false; // 'T', ' ', 't'
  if ((b[p + 5] - 48) >>> 0 > 9 || (b[p + 6] - 48) >>> 0 > 9 || (b[p + 8] - 48) >>> 0 > 9 || (b[p + 9] - 48) >>> 0 > 9) return false;
  if ((b[p + 11] - 48) >>> 0 > 9 || (b[p + 12] - 48) >>> 0 > 9 || (b[p + 14] - 48) >>> 0 > 9 || (b[p + 15] - 48) >>> 0 > 9) return false;
  if ((b[p + 17] - 48) >>> 0 > 9 || (b[p + 18] - 48) >>> 0 > 9) return false;
  // Field ranges, with the two-digit reads written out: a cold (interpreted) scan pays for every call.
  const mo = (b[p + 5] - 48) * 10 + b[p + 6] - 48;
  const d = (b[p + 8] - 48) * 10 + b[p + 9] - 48;
  const h = (b[p + 11] - 48) * 10 + b[p + 12] - 48;
  const mi = (b[p + 14] - 48) * 10 + b[p + 15] - 48;
  const sec = (b[p + 17] - 48) * 10 + b[p + 18] - 48;
  return !((mo - 1) >>> 0 > 11 || (d - 1) >>> 0 > 30 || h > 23 || mi > 59 || sec > 60);
}

/**
 * End index of an ISO-8601 timestamp starting at p (`YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±hh:mm|±hhmm|±hh]`),
 * or -1. A timestamp without zone is read as UTC (documented in docs/scanner.md).
 */
export function isoEnd(b: Uint8Array, p: number, e: number): number {
  if (!isoHead(b, p, e)) return -1;
  let q = p + 19;
  if (q < e && (b[q] === 46 || b[q] === 44) && q + 1 < e && isDigit(b[q + 1])) {
    q += 2;
    while (q < e && isDigit(b[q])) q++;
  }
  if (q < e) {
    const z = b[q];
    if (z === 90 || z === 122) return q + 1;
    if ((z === 43 || z === 45) && q + 3 <= e && isDigit(b[q + 1]) && isDigit(b[q + 2])) {
      if (q + 6 <= e && b[q + 3] === 58 && isDigit(b[q + 4]) && isDigit(b[q + 5])) return q + 6;
      if (q + 5 <= e && isDigit(b[q + 3]) && isDigit(b[q + 4])) return q + 5;
      return q + 3;
    }
  }
  return q;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (days-from-civil; no Date allocation). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Epoch ms of the ISO timestamp at p (NaN when none). */
export function isoValue(b: Uint8Array, p: number, e: number): number {
  const end = isoEnd(b, p, e);
  if (end < 0) return NaN;
  const y = (b[p] - 48) * 1000 + (b[p + 1] - 48) * 100 + d2(b, p + 2);
  const days = daysFromCivil(y, d2(b, p + 5), d2(b, p + 8));
  let ms = ((days * 24 + d2(b, p + 11)) * 60 + d2(b, p + 14)) * 60000 + d2(b, p + 17) * 1000;
  let q = p + 19;
  if (q < end && (b[q] === 46 || b[q] === 44)) {
    // Milliseconds from the first three digits only: adding finer digits as fractions would round up
    // (.999999999 -> the next second) at the precision of a 1.7e12 double.
    let scale = 100;
    for (q++; q < end && isDigit(b[q]); q++) {
      ms += (b[q] - 48) * scale;
      scale = scale > 1 ? scale / 10 : 0;
    }
  }
  if (q < end && (b[q] === 43 || b[q] === 45)) {
    const sign = b[q] === 43 ? 1 : -1;
    const hh = d2(b, q + 1);
    const mm = end - q >= 5 ? d2(b, end - 2) : 0;
    ms -= sign * (hh * 60 + mm) * 60000;
  }
  return ms;
}

/** Whether the ISO timestamp at p (ending at `end`, from isoEnd) names its zone. */
export function isoZoned(b: Uint8Array, p: number, end: number): boolean {
  let q = p + 19;
  if (q < end && (b[q] === 46 || b[q] === 44)) for (q++; q < end && isDigit(b[q]); q++);
  return q < end;
}

/** Epoch ms of 13 digits at p not followed by another digit (NaN otherwise). */
export function epochMsValue(b: Uint8Array, p: number, e: number): number {
  if (p + 13 > e) return NaN;
  let v = 0;
  for (let i = 0; i < 13; i++) {
    const c = b[p + i];
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + (c - 48);
  }
  if (p + 13 < e && isDigit(b[p + 13])) return NaN;
  return v;
}

/**
 * Parses a timestamp given as text (JSON string values, regex captures): ISO, epoch ms (13 digits) or seconds.
 * `zone` converts a zone-less ISO wall time (default: read as UTC).
 */
export function parseTsText(text: string, zone?: (wallMs: number) => number): number {
  const t = text.trim();
  if (/^\d{13}$/.test(t)) return Number(t);
  if (/^\d{9,10}(\.\d+)?$/.test(t)) return Math.floor(Number(t) * 1000);
  const bytes = Buffer.from(t, 'latin1');
  const end = isoEnd(bytes, 0, bytes.length);
  if (end !== bytes.length) return NaN;
  const v = isoValue(bytes, 0, end);
  return zone && !isoZoned(bytes, 0, end) ? zone(v) : v;
}
