/**
 * Time zones for timestamps that carry none (nginx, redis, syslog, Go and Python write local time) and for
 * zone abbreviations (PostgreSQL's "%Z"). A zone is "UTC", a fixed offset ("+02:00", "-0500") or an IANA name
 * ("Europe/Berlin", DST-aware through Intl; offsets cached per quarter hour, so the hot path makes no Intl call).
 */

const FIXED = /^(?:UTC|GMT|Z)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** Offsets of common zone abbreviations, in minutes east of UTC. Ambiguous ones (IST, CST in China) are left out. */
const ABBREV: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  UT: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
  ACST: 570,
  AWST: 480,
  NZST: 720,
  NZDT: 780,
};

/** Minutes east of UTC of an abbreviation or a numeric zone ("+03", "-0530"); NaN when unknown. */
export function abbrevOffsetMin(name: string): number {
  const m = FIXED.exec(name);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  return ABBREV[name.toUpperCase()] ?? NaN;
}

/** Converts a wall-clock time read as if it were UTC into epoch ms, for one zone. */
export type ZoneFn = (wallMs: number) => number;

const QUARTER = 15 * 60_000;

/** The conversion for `zone` (throws RangeError for an unknown zone name: config validation reports it). */
export function zoneFn(zone: string | undefined): ZoneFn {
  if (!zone || /^(UTC|GMT|Z|Etc\/UTC)$/i.test(zone)) return (w) => w;
  const fixed = FIXED.exec(zone);
  if (fixed) {
    const off = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0)) * 60_000;
    return (w) => w - off;
  }
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetAt = (utcMs: number): number => {
    const parts: Record<string, number> = {};
    for (const p of fmt.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return wall - Math.floor(utcMs / 1000) * 1000;
  };
  const cache = new Map<number, number>();
  return (w) => {
    const key = Math.floor(w / QUARTER);
    let off = cache.get(key);
    if (off === undefined) {
      // Two rounds settle the offset except inside a DST gap or overlap, where the earlier offset wins.
      off = offsetAt(w - offsetAt(w));
      cache.set(key, off);
    }
    return w - off;
  };
}

/** Whether `zone` is usable (for config validation): UTC, a fixed offset or a zone name this runtime knows. */
export function validZone(zone: string): boolean {
  try {
    zoneFn(zone);
    return true;
  } catch {
    return false;
  }
}
