/**
 * Glob matching for allowlist patterns: `*` is any run of characters (including none), `?` exactly one,
 * everything else literal and case-sensitive, and the whole value must match. No regex is built from the
 * pattern, so a hostile pattern cannot cause catastrophic backtracking: this is the linear-space
 * two-pointer wildcard algorithm with a single backtrack point.
 */

/** Whether `value` matches the glob `pattern` (`*` any run, `?` one character, whole-string, case-sensitive). */
export function matchesGlob(pattern: string, value: string): boolean {
  const p = Array.from(pattern);
  const v = Array.from(value);
  let pi = 0;
  let vi = 0;
  let starP = -1;
  let starV = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === v[vi]))) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      starP = pi++;
      starV = vi;
    } else if (starP >= 0) {
      pi = starP + 1;
      vi = ++starV;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
