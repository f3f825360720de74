/**
 * The one place that expands placeholders: {port} {home} {configDir} {packageDir} {node} {upstreamUrl} {sandbox} {tmp} and
 * a leading `~`. Production values (bind.ts) and a chaos lane's sandbox values (lane.ts) both come here.
 */
import os from 'node:os';
import path from 'node:path';
import type { CommandLine } from '../runtime/exec.js';
import { packageDir } from './package.js';

/** Placeholders expand() understands; anything else in braces in a path or URL is a typo. */
export const PLACEHOLDERS = ['port', 'home', 'configDir', 'packageDir', 'node', 'upstreamUrl', 'sandbox', 'tmp'] as const;

/** Values for placeholders in commands, paths and URLs. */
export interface PlaceholderValues {
  port: number;
  home: string;
  configDir: string;
  upstreamUrl?: string;
  /** What a leading `~` means (default: the user's home; a lane maps it to the sandbox HOME). */
  tilde?: string;
  /** A chaos lane's sandbox root and TMPDIR ({sandbox}, {tmp}); outside a lane they stay as written. */
  sandbox?: string;
  tmp?: string;
}

const PLACEHOLDER_RE = /\{(port|home|configDir|packageDir|node|upstreamUrl|sandbox|tmp)\}/g;

/** Quote context of a shell string at a position: outside quotes, inside '…' or inside "…". */
type QuoteState = 'none' | 'single' | 'double';

/**
 * A value spliced into a shell string so the shell reads it as exactly that text, whatever it holds
 * (`--home '/tmp/h;touch /tmp/pwned'` must stay one path). Plain values (letters, digits, `_@%+=:,./-`) are
 * left as they are; others are single-quoted outside quotes, or escaped for the quotes they stand in.
 */
export function shellQuoteIn(value: string, state: QuoteState): string {
  if (state === 'single') return value.replace(/'/g, `'\\''`);
  if (state === 'double') return value.replace(/["\\$`]/g, (c) => `\\${c}`);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The quote state of a shell string at every placeholder start (a simple POSIX sh reading: quotes and backslashes). */
function quoteStates(text: string): Map<number, QuoteState> {
  const out = new Map<number, QuoteState>();
  let state: QuoteState = 'none';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') out.set(i, state);
    if (state === 'single') {
      if (c === "'") state = 'none';
    } else if (c === '\\') {
      i++;
    } else if (state === 'double') {
      if (c === '"') state = 'none';
    } else if (c === "'") state = 'single';
    else if (c === '"') state = 'double';
  }
  return out;
}

/** Expands `~` and every placeholder in one string; `shell` quotes each value for a `sh -c` command string. */
export function expand(text: string, v: PlaceholderValues, shell = false): string {
  const tilde = v.tilde ?? os.homedir();
  const t = text === '~' ? tilde : text.startsWith('~/') ? path.join(tilde, text.slice(2)) : text;
  const states = shell ? quoteStates(t) : null;
  return t.replace(PLACEHOLDER_RE, (m, key: string, at: number) => {
    const value = placeholderValue(key, v);
    if (value === null) return m; // {sandbox}/{tmp} outside a lane stay as written
    return states ? shellQuoteIn(value, states.get(at) ?? 'none') : value;
  });
}

function placeholderValue(key: string, v: PlaceholderValues): string | null {
  switch (key) {
    case 'sandbox':
      return v.sandbox ?? null;
    case 'tmp':
      return v.tmp ?? null;
    case 'port':
      return String(v.port);
    case 'home':
      return v.home;
    case 'configDir':
      return v.configDir;
    case 'packageDir':
      return packageDir;
    case 'node':
      return process.execPath;
    default:
      return v.upstreamUrl ?? '';
  }
}

/** Expands a command line: argv elements verbatim (no shell reads them), a shell string with each value quoted. */
export function expandCommand(cmd: CommandLine, v: PlaceholderValues): CommandLine {
  return Array.isArray(cmd) ? cmd.map((a) => expand(a, v)) : expand(cmd, v, true);
}
