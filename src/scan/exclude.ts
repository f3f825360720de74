/**
 * Signature exclusions: a line that matches the signature but also an `exclude` pattern does not count
 * (e.g. the lines a status CLI writes into the daemon's own log while hunt probes it). Checked only on the
 * lines a signature matched, so an exclusion costs nothing on the rest of the log.
 */
import type { PatternSpec } from './params.js';

export interface Exclude {
  lit: Buffer | null;
  re: RegExp | null;
}

/** Compiles a signature's exclusions (null when it has none). */
export function compileExcludes(list: PatternSpec[] | undefined): Exclude[] | null {
  if (!list || list.length === 0) return null;
  return list.map((x) => (x.regex ? { lit: null, re: new RegExp(x.pattern, 'm') } : { lit: x.pattern ? Buffer.from(x.pattern, 'utf8') : null, re: null }));
}

/** Whether the line buf[s, e) matches any exclusion (regexes see the line decoded, without a trailing CR). */
export function lineExcluded(buf: Buffer, s: number, e: number, ex: Exclude[]): boolean {
  let text: string | null = null;
  for (const x of ex) {
    if (x.lit) {
      if (buf.subarray(s, e).indexOf(x.lit) >= 0) return true;
    } else if (x.re) {
      if (text === null) {
        const end = e > s && buf[e - 1] === 13 ? e - 1 : e;
        text = buf.toString('utf8', s, end);
      }
      if (x.re.test(text)) return true;
    }
  }
  return false;
}
