/**
 * Bug switches (SAMPLE_GATEWAY_BUGS, a comma list). Each one makes the gateway misbehave in exactly
 * one way so the chaos checks can prove they fail when they should. Off by default, always.
 */
export const BUG_SWITCHES = [
  'ignore-lock',
  'bind-anyway',
  'crash-on-reload',
  'listener-on-reload',
  'hang-on-term',
  'leak-child',
  'no-recover',
  'hang-on-bad-config',
  'hang-on-missing-env',
  'stale-lock-fatal',
  'write-outside-home',
  'crash-loop-log',
] as const;

export type BugSwitch = (typeof BUG_SWITCHES)[number];

export interface Bugs {
  has(name: BugSwitch): boolean;
  /** Enabled switches, in the documented order. */
  enabled: BugSwitch[];
  /** Names in the env var that are not switches (reported as a warning, never fatal). */
  unknown: string[];
}

/** Parses the SAMPLE_GATEWAY_BUGS value (comma or whitespace separated, case-insensitive). */
export function parseBugs(raw: string | undefined): Bugs {
  const names = (raw ?? '')
    .split(/[,\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const known = new Set<string>(BUG_SWITCHES);
  const set = new Set(names.filter((n) => known.has(n)));
  return {
    has: (name) => set.has(name),
    enabled: BUG_SWITCHES.filter((b) => set.has(b)),
    unknown: [...new Set(names.filter((n) => !known.has(n)))].sort(),
  };
}

/** Blocks forever (until a signal's default action ends the process): the "hang instead of failing" bugs. */
export function hangForever(): Promise<never> {
  return new Promise<never>(() => {
    setInterval(() => undefined, 1 << 30);
  });
}
