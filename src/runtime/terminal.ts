/**
 * Terminal rules in one place: is this CI, may we colour, may we animate. Colour goes only through a chalk
 * instance built here (also the spinner's frames and symbols), so NO_COLOR / FORCE_COLOR hold everywhere;
 * ora's and log-symbols' own colour detection looks at stdout and misses NO_COLOR on a terminal.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Options as OraOptions } from 'ora';

export type Outcome = 'pass' | 'warn' | 'fail' | 'skip';

/** The usual CI rule: `CI` is set and is not `false` (or `0`, or empty). */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== 'false' && v !== '0';
}

/**
 * Colour level 0-3 for `stream`: FORCE_COLOR wins (0/false off, empty/true basic, 1-3), then NO_COLOR (set and
 * non-empty: off), then the terminal's own depth; never colour into a pipe or file unless forced.
 */
export function colorLevel(stream: { isTTY?: boolean; getColorDepth?: (env?: object) => number }, env: NodeJS.ProcessEnv = process.env): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '' || force === 'true') return 1;
    if (force === 'false') return 0;
    const n = Number.parseInt(force, 10);
    return Number.isFinite(n) ? (Math.max(0, Math.min(3, n)) as 0 | 1 | 2 | 3) : 1;
  }
  if (env.NO_COLOR) return 0;
  if (!stream.isTTY || typeof stream.getColorDepth !== 'function') return 0;
  // Node's depth also reads any `CI` variable as CI (2 colours): hide one that isCI() says is not CI.
  const depth = stream.getColorDepth(isCI(env) ? env : Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'CI')));
  return depth >= 24 ? 3 : depth >= 8 ? 2 : depth >= 4 ? 1 : 0;
}

/** A chalk instance for `stream` under the rules of colorLevel. */
export function paintFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  return new Chalk({ level: colorLevel(stream, env) });
}

/** Whether progress may animate on `stream`: a real (not dumb) terminal with a size, outside CI. */
export function canAnimate(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  // A pty without a size (columns 0, e.g. under `script`) sends ora's line arithmetic into an endless clear loop.
  return Boolean(stream.isTTY) && (stream.columns ?? 0) > 0 && env.TERM !== 'dumb' && !isCI(env);
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * ora options whose frames are coloured by `paint` (ora's own colouring off). Enabled explicitly: canAnimate has
 * decided, and ora's own check treats any `CI` variable, even CI=false, as CI.
 */
export function spinnerOptions(stream: NodeJS.WriteStream, paint: ChalkInstance, text?: string): OraOptions {
  return { stream, text, color: false, isEnabled: true, spinner: { interval: 80, frames: FRAMES.map((f) => paint.cyan(f)) } };
}

/** The persisted symbol of a finished step on a terminal. */
export function outcomeSymbol(outcome: Outcome, paint: ChalkInstance): string {
  switch (outcome) {
    case 'pass':
      return paint.green('✔');
    case 'warn':
      return paint.yellow('⚠');
    case 'fail':
      return paint.red('✖');
    default:
      return paint.blue('ℹ');
  }
}

/** The bracketed mark of a finished step in plain (CI, pipe) output. */
export function outcomeMark(outcome: Outcome, paint: ChalkInstance): string {
  switch (outcome) {
    case 'pass':
      return paint.green('ok  ');
    case 'warn':
      return paint.yellow('WARN');
    case 'fail':
      return paint.red('FAIL');
    default:
      return paint.dim('skip');
  }
}
