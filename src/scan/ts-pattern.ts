/**
 * strftime-style timestamp patterns, compiled once and matched against the bytes of a line (no regex, no
 * string per line). Tokens: %Y %y %m %d %e %H %k %I %p %M %S %f (fraction, 1-9 digits, ms kept) %z (Z, +hh:mm,
 * +hhmm, +hh) %Z (zone abbreviation or +hh[mm]) %b %B (month names) %a %A (weekday names, skipped) %s (epoch
 * seconds) %T (%H:%M:%S) %F (%Y-%m-%d) %D (%m/%d/%y) %R (%H:%M) %%. A space matches one or more spaces; any
 * other character matches itself. A pattern without a year (syslog) takes the year that puts the stamp at
 * most two days after the reference time (the window end): December lines read in January are last year's.
 */
import { daysFromCivil } from './iso.js';
import { abbrevOffsetMin, type ZoneFn } from './ts-zone.js';

type Tok = 'Y' | 'y' | 'm' | 'd' | 'e' | 'H' | 'k' | 'I' | 'p' | 'M' | 'S' | 'f' | 'z' | 'Z' | 'b' | 'B' | 'a' | 'A' | 's';
type Step = { lit: number } | { space: true } | { tok: Tok };

const TOKENS = new Set('YymdeHkIpMSfzZbBaAs'.split(''));
const EXPAND: Record<string, string> = { T: '%H:%M:%S', F: '%Y-%m-%d', D: '%m/%d/%y', R: '%H:%M' };
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAY_MS = 86_400_000;

/** A compiled pattern; `hasYear`/`hasZone` tell what the line supplies. Throws on an unknown token. */
export interface CompiledPattern {
  steps: Step[];
  hasYear: boolean;
}

/** Compiles a pattern (config validation calls this to reject unknown tokens). */
export function compilePattern(pattern: string): CompiledPattern {
  let src = pattern;
  for (const [k, v] of Object.entries(EXPAND)) src = src.split(`%${k}`).join(v);
  const steps: Step[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '%') {
      const t = src[++i];
      if (t === '%') steps.push({ lit: 37 });
      else if (t !== undefined && TOKENS.has(t)) steps.push({ tok: t as Tok });
      else throw new Error(`unknown token %${t ?? ''} in timestamp pattern "${pattern}"`);
    } else if (c === ' ') {
      if (!(steps.length && 'space' in steps[steps.length - 1])) steps.push({ space: true });
    } else for (const byte of Buffer.from(c, 'utf8')) steps.push({ lit: byte });
  }
  if (steps.length === 0) throw new Error('empty timestamp pattern');
  return { steps, hasYear: steps.some((s) => 'tok' in s && (s.tok === 'Y' || s.tok === 'y' || s.tok === 's')) };
}

const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Epoch ms of the stamp matching `cp` at b[p..e), NaN when it does not match; `out.end` gets where it ended. */
export function parsePattern(
  b: Uint8Array,
  p: number,
  e: number,
  cp: CompiledPattern,
  zone: ZoneFn,
  refMs: number,
  out?: { end: number },
  /** Accept an unknown %Z abbreviation as zone-less (only when the source names its zone). */
  unknownZoneOk = false,
): number {
  let year = NaN;
  let mon = 1;
  let day = 1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let ms = 0;
  let zoneMin = NaN;
  let pm = -1;
  let epoch = NaN;
  const num = (maxDigits: number, minDigits: number): number => {
    let v = 0;
    let n = 0;
    while (n < maxDigits && p < e && b[p] >= 48 && b[p] <= 57) ((v = v * 10 + b[p++] - 48), n++);
    return n >= minDigits ? v : NaN;
  };
  for (const st of cp.steps) {
    if ('lit' in st) {
      if (p >= e || b[p] !== st.lit) return NaN;
      p++;
      continue;
    }
    if ('space' in st) {
      if (p >= e || b[p] !== 32) return NaN;
      while (p < e && b[p] === 32) p++;
      continue;
    }
    let v = 0;
    switch (st.tok) {
      case 'Y':
        v = year = num(4, 4);
        break;
      case 'y':
        v = num(2, 2);
        year = v < 69 ? 2000 + v : 1900 + v;
        break;
      case 'm':
        v = mon = num(2, 1);
        break;
      case 'd':
        v = day = num(2, 1);
        break;
      case 'e':
        if (p < e && b[p] === 32) p++;
        v = day = num(2, 1);
        break;
      case 'H':
        v = hour = num(2, 2);
        break;
      case 'k':
      case 'I':
        if (p < e && b[p] === 32) p++;
        v = hour = num(2, 1);
        break;
      case 'M':
        v = min = num(2, 2);
        break;
      case 'S':
        v = sec = num(2, 2);
        break;
      case 'f': {
        let scale = 100;
        const start = p;
        while (p < e && b[p] >= 48 && b[p] <= 57 && p - start < 9) ((ms += (b[p++] - 48) * scale), (scale = scale > 1 ? scale / 10 : 0));
        if (p === start) return NaN;
        break;
      }
      case 'p': {
        if (p + 2 > e || lower(b[p + 1]) !== 109) return NaN;
        const c = lower(b[p]);
        if (c !== 97 && c !== 112) return NaN;
        pm = c === 112 ? 1 : 0;
        p += 2;
        break;
      }
      case 'b':
      case 'B': {
        if (p + 3 > e) return NaN;
        const k = MONTHS.findIndex(
          (name) => name.charCodeAt(0) === lower(b[p]) && name.charCodeAt(1) === lower(b[p + 1]) && name.charCodeAt(2) === lower(b[p + 2]),
        );
        if (k < 0) return NaN;
        mon = k + 1;
        p += 3;
        if (st.tok === 'B') while (p < e && isLetter(b[p])) p++;
        break;
      }
      case 'a':
      case 'A': {
        const start = p;
        while (p < e && isLetter(b[p])) p++;
        if (p - start < 3) return NaN;
        break;
      }
      case 'z': {
        if (p < e && (b[p] === 90 || b[p] === 122)) {
          zoneMin = 0;
          p++;
          break;
        }
        if (p >= e || (b[p] !== 43 && b[p] !== 45)) return NaN;
        const sign = b[p++] === 45 ? -1 : 1;
        const hh = num(2, 2);
        if (p < e && b[p] === 58) p++;
        const mm = p < e && b[p] >= 48 && b[p] <= 57 ? num(2, 2) : 0;
        if (Number.isNaN(hh) || Number.isNaN(mm)) return NaN;
        zoneMin = sign * (hh * 60 + mm);
        break;
      }
      case 'Z': {
        const start = p;
        if (p < e && (b[p] === 43 || b[p] === 45)) p++;
        while (p < e && (isLetter(b[p]) || (b[p] >= 48 && b[p] <= 58))) p++;
        if (p === start) return NaN;
        // An unknown abbreviation is read in the source's configured zone; without one the stamp is unreadable
        // (null window and a warning beat a guess that is hours off).
        zoneMin = abbrevOffsetMin(Buffer.from(b.buffer, b.byteOffset + start, p - start).toString('latin1'));
        if (Number.isNaN(zoneMin) && !unknownZoneOk) return NaN;
        break;
      }
      case 's': {
        const secs = num(12, 9);
        if (Number.isNaN(secs)) return NaN;
        epoch = secs * 1000;
        if (p + 1 < e && b[p] === 46 && b[p + 1] >= 48 && b[p + 1] <= 57) {
          p++;
          let scale = 100;
          while (p < e && b[p] >= 48 && b[p] <= 57) ((epoch += (b[p++] - 48) * scale), (scale = scale > 1 ? scale / 10 : 0));
        }
        break;
      }
    }
    if (Number.isNaN(v)) return NaN;
  }
  if (out) out.end = p;
  if (!Number.isNaN(epoch)) return epoch;
  if (pm >= 0) {
    if (hour < 1 || hour > 12) return NaN;
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return NaN;
  const wall = (y: number) => (daysFromCivil(y, mon, day) * 24 + hour) * 3_600_000 + min * 60_000 + sec * 1000 + ms;
  const toUtc = (w: number) => (Number.isNaN(zoneMin) ? zone(w) : w - zoneMin * 60_000);
  if (!cp.hasYear) {
    const y = new Date(refMs).getUTCFullYear();
    const t = toUtc(wall(y));
    return t > refMs + 2 * DAY_MS ? toUtc(wall(y - 1)) : t;
  }
  return toUtc(wall(year));
}
