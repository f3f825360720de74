/**
 * Named timestamp formats of common daemons: where the stamp starts in the line and how it reads. `auto`
 * tries every preset (after the ones that need more specific context, before the generic ISO reader where
 * both would read the same value).
 */

/** Where a preset's stamp starts: the line start (after ANSI colour), after the first '[', after redis' "pid:role ", after a syslog "<PRI>[version ]". */
export type Skip = 'start' | 'bracket' | 'redis' | 'pri';

export interface Preset {
  /** strftime-style patterns tried in order; absent: the ISO-8601 reader. */
  patterns?: string[];
  skip: Skip;
  /** What a line looks like (docs and tests). */
  example: string;
}

export const PRESETS = {
  'nginx-error': { patterns: ['%Y/%m/%d %H:%M:%S ['], skip: 'start', example: '2026/11/30 11:40:01 [emerg] 123#123: bind() to 0.0.0.0:80 failed' },
  clf: { patterns: ['%d/%b/%Y:%H:%M:%S %z'], skip: 'bracket', example: '127.0.0.1 - - [30/Nov/2026:11:40:01 +0000] "GET / HTTP/1.1" 502 157' },
  redis: { patterns: ['%d %b %Y %H:%M:%S.%f'], skip: 'redis', example: '12345:M 30 Nov 2026 11:40:01.123 # Server initialized' },
  postgres: {
    patterns: ['%Y-%m-%d %H:%M:%S.%f %Z', '%Y-%m-%d %H:%M:%S %Z'],
    skip: 'start',
    example: '2026-11-30 11:40:01.123 UTC [123] FATAL:  the database system is starting up',
  },
  syslog: { patterns: ['%b %e %H:%M:%S'], skip: 'pri', example: 'Nov 30 11:40:01 host app[123]: worker crashed' },
  go: { patterns: ['%Y/%m/%d %H:%M:%S.%f', '%Y/%m/%d %H:%M:%S'], skip: 'start', example: '2026/11/30 11:40:01 http: panic serving 10.0.0.1:5000' },
  python: { patterns: ['%Y-%m-%d %H:%M:%S,%f'], skip: 'start', example: '2026-11-30 11:40:01,123 - app - ERROR - worker crashed' },
  rfc5424: { skip: 'pri', example: '<34>1 2026-11-30T11:40:01.003Z host app 123 ID47 - worker crashed' },
  journald: { skip: 'start', example: '2026-11-30T11:40:01+0000 host app[123]: worker crashed' },
} satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;

/** Names accepted as `timestamp.format` besides iso/json/epoch-ms/regex/pattern/auto; aliases included. */
export const PRESET_ALIASES = {
  'nginx-access': 'clf',
  'apache-access': 'clf',
  combined: 'clf',
  common: 'clf',
  rfc3164: 'syslog',
  'journald-short-iso': 'journald',
  postgresql: 'postgres',
} as const satisfies Record<string, PresetName>;

/** Every name a preset can be given as. */
export type PresetFormat = PresetName | keyof typeof PRESET_ALIASES;

/** All preset names and aliases (schemas list them). */
export const PRESET_FORMATS = [...Object.keys(PRESETS), ...Object.keys(PRESET_ALIASES)] as PresetFormat[];

/** The preset a format name denotes (an alias resolved), or null. */
export function presetOf(name: string): PresetName | null {
  if (name in PRESETS) return name as PresetName;
  return (PRESET_ALIASES as Record<string, PresetName>)[name] ?? null;
}

/** Order `auto` tries them in: on equal hits the earlier wins, so context-hungry presets come first. */
export const AUTO_ORDER: PresetName[] = ['postgres', 'clf', 'redis', 'nginx-error', 'go', 'syslog', 'python'];

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Where the stamp starts in the line b[s, e) for a skip rule, or -1. */
export function skipTo(b: Uint8Array, s: number, e: number, skip: Skip): number {
  switch (skip) {
    case 'bracket': {
      for (let p = s; p < e; p++) if (b[p] === 0x5b) return p + 1;
      return -1;
    }
    case 'redis': {
      let p = s;
      while (p < e && isDigit(b[p])) p++;
      if (p === s || p + 3 > e || b[p] !== 0x3a || b[p + 2] !== 0x20) return -1;
      const role = b[p + 1];
      return role >= 65 && role <= 90 ? p + 3 : -1;
    }
    case 'pri': {
      let p = s;
      if (p < e && b[p] === 0x3c) {
        p++;
        const d = p;
        while (p < e && isDigit(b[p])) p++;
        if (p === d || p - d > 3 || p >= e || b[p] !== 0x3e) return -1;
        p++;
        const v = p;
        while (p < e && isDigit(b[p])) p++;
        if (p > v) {
          if (p >= e || b[p] !== 0x20) return -1;
          p++;
        }
      }
      return p;
    }
    default:
      return s;
  }
}

/** Presets must end at a boundary: "…01,123Z" is ISO with a zone, not Python's zone-less stamp. */
export function atBoundary(b: Uint8Array, p: number, e: number): boolean {
  if (p >= e) return true;
  const c = b[p];
  return !(isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 45 || c === 46 || c === 44 || c === 58);
}
