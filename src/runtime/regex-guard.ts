/**
 * Regexes from a profile (signature patterns, redaction patterns) run against target-controlled text, so a
 * backtracking pattern like `(a+)+b` must not hang hunt on one hostile log line. V8 ships a linear-time regex
 * engine; with the flags below it takes over from the backtracking engine whenever a match backtracks
 * excessively, in this thread and in worker threads alike. A pattern that engine cannot run (backreferences,
 * lookaround) gets no such fallback: it is refused when it nests unbounded quantifiers, the shape that
 * backtracks exponentially.
 */
import v8 from 'node:v8';
import { ConfigError } from '../errors.js';

let fallbackActive: boolean | undefined;

/** Turns the linear-time fallback on (once per process); true when this V8 honours it. */
export function enableLinearFallback(): boolean {
  if (fallbackActive !== undefined) return fallbackActive;
  try {
    v8.setFlagsFromString('--enable-experimental-regexp-engine');
    v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    // High enough that an ordinary pattern searching a 1 MiB scan chunk never falls back (the linear engine is
    // far slower on ordinary input), low enough that an exponential one gives up after ~0.1 s.
    v8.setFlagsFromString('--regexp-backtracks-before-fallback=1000000');
    new RegExp('a', 'l' as string);
    fallbackActive = true;
  } catch {
    fallbackActive = false;
  }
  return fallbackActive;
}

/** Whether V8's linear-time engine can run `source` (then the fallback protects it). */
export function runsInLinearTime(source: string, flags = ''): boolean {
  if (!enableLinearFallback()) return false;
  try {
    new RegExp(source, `${flags.replace(/[gyl]/g, '')}l`);
    return true;
  } catch {
    return false;
  }
}

function quantifierAt(s: string, i: number): { unbounded: boolean; len: number } | null {
  const c = s[i];
  if (c === '*' || c === '+') return { unbounded: true, len: s[i + 1] === '?' ? 2 : 1 };
  if (c === '?') return { unbounded: false, len: s[i + 1] === '?' ? 2 : 1 };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}\??/.exec(s.slice(i));
    if (m) return { unbounded: m[2] !== undefined && (m[3] === '' || Number(m[3]) > 1), len: m[0].length };
  }
  return null;
}

/** The first nested unbounded quantifier (`(a+)+`, `(\w*x)*`) in a regex source, or null. */
export function nestedQuantifier(source: string): string | null {
  const stack: Array<{ start: number; unbounded: boolean }> = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      const q = quantifierAt(source, i + 1);
      if (q?.unbounded && stack.length) stack[stack.length - 1].unbounded = true;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') {
      stack.push({ start: i, unbounded: false });
      continue;
    }
    if (c === ')') {
      const g = stack.pop();
      const q = quantifierAt(source, i + 1);
      if (g && q?.unbounded && g.unbounded) return source.slice(g.start, i + 1 + q.len);
      if (g && stack.length && (g.unbounded || q?.unbounded)) stack[stack.length - 1].unbounded = true;
      continue;
    }
    const q = quantifierAt(source, i + 1);
    if (q?.unbounded && stack.length) stack[stack.length - 1].unbounded = true;
  }
  return null;
}

/** Why a profile regex is refused (it could backtrack without bound and has no linear-time fallback), or null. */
export function regexHazard(source: string, flags = ''): string | null {
  if (runsInLinearTime(source, flags)) return null;
  const nested = nestedQuantifier(source);
  return nested ? `nested unbounded quantifiers ${JSON.stringify(nested)} with lookaround or a backreference can backtrack without bound` : null;
}

/** Compiles a profile regex with the linear-time fallback on; throws when regexHazard refuses it. */
export function compileGuardedRegex(source: string, flags: string): RegExp {
  const hazard = regexHazard(source, flags);
  if (hazard) throw new ConfigError(`regex ${JSON.stringify(source)}: ${hazard}`, { hint: 'rewrite the pattern without the nested quantifier' });
  return new RegExp(source, flags);
}
