/**
 * Ranges of the values a run may take from the profile, the environment or a flag. Written once: the zod
 * schema, the HUNT_* environment parser and the commander flag parsers all read them from here.
 */

export interface IntRange {
  min: number;
  max: number;
}

export const LIMITS = {
  port: { min: 1, max: 65535 },
  windowMinutes: { min: 1, max: 525_600 },
  commandTimeoutMs: { min: 1, max: 86_400_000 },
  concurrency: { min: 1, max: 16 },
  observeSeconds: { min: 0, max: 86_400 },
  basePort: { min: 1024, max: 65535 },
} as const satisfies Record<string, IntRange>;

/** Pure: the integer a text spells inside `range`, or null (no sign, no fraction, no exponent). */
export function parseIntInRange(text: string, range: IntRange): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= range.min && n <= range.max ? n : null;
}

/** The one wording of a range error, e.g. `--port: expected an integer from 1 to 65535, got "http"`. */
export function rangeMessage(name: string, range: IntRange, got: string): string {
  return `${name}: expected an integer from ${range.min} to ${range.max}, got "${got}"`;
}
