/**
 * Redaction: every excerpt that leaves the target (evidence, samples, command output) passes here.
 * Built-in rules catch the usual secret shapes; profiles add patterns and the values of env vars they mark secret.
 */

import { compileGuardedRegex } from './regex-guard.js';

export type Redactor = (text: string) => string;

const MASK = '[REDACTED]';

// Ordered: specific token shapes first, then key=value forms, so a JWT inside `token=` is masked once.
const BUILTIN: Array<[RegExp, string]> = [
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, MASK], // JWT
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`],
  [/\b(sk|pk|rk)-(?:live-|test-|proj-|ant-)?[A-Za-z0-9_-]{16,}\b/g, MASK], // OpenAI/Stripe/Anthropic-like
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, MASK], // GitHub tokens
  [/\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, MASK],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, MASK], // Slack
  [/\bAKIA[0-9A-Z]{16}\b/g, MASK], // AWS access key id
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, MASK], // Google API key
  [/\bglpat-[A-Za-z0-9_-]{20,}\b/g, MASK], // GitLab
  [/(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g, `$1${MASK}$2`],
  // key=value / key: value / "key": "value" for secret-ish keys
  [
    /((?:"|')?\b(?:[A-Za-z0-9_]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth|credential)s?)(?:"|')?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/gi,
    `$1${MASK}`,
  ],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, `$1${MASK}@`], // credentials in URLs
];

export interface RedactorOptions {
  /** Extra regex sources from the profile (applied with the global flag). */
  patterns?: string[];
  /** Literal secret values (e.g. values of env vars the profile marks secret); shorter than 4 chars are ignored. */
  secretValues?: string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The base64 spellings of a secret (standard and URL-safe, at each of the three byte alignments it can have
 * inside a longer encoded blob, such as a Basic auth header or a JSON web token), trimmed to the characters
 * that do not depend on the neighbouring bytes. Shorter than 8 characters: too likely to occur by chance.
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out = new Set<string>();
  for (const k of [0, 1, 2]) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const head = k === 0 ? 0 : k + 1; // characters that also encode the k prefix bytes
    const tailBits = ((k + bytes.length) * 8) % 6; // a last character that also encodes what follows
    const mid = enc.slice(head, enc.length - (tailBits ? 1 : 0));
    if (mid.length >= 8) {
      out.add(mid);
      out.add(mid.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...out];
}

/** Shortest piece of a secret masked at a cut (shorter pieces are too likely to be ordinary text). */
const MIN_FRAGMENT = 4;

/** The longest k >= MIN_FRAGMENT (below the whole value) such that `text` ends with the first k characters of `v`. */
function prefixAtEnd(text: string, v: string): number {
  for (let k = Math.min(v.length - 1, text.length); k >= MIN_FRAGMENT; k--) if (text.endsWith(v.slice(0, k))) return k;
  return 0;
}

/** The longest k >= MIN_FRAGMENT (below the whole value) such that `text` starts with the last k characters of `v`. */
function suffixAtStart(text: string, v: string): number {
  for (let k = Math.min(v.length - 1, text.length); k >= MIN_FRAGMENT; k--) if (text.startsWith(v.slice(v.length - k))) return k;
  return 0;
}

/**
 * Pieces of a secret at the places where an excerpt may have been cut: the text's start and end and both sides of
 * every ellipsis (a sample's head ... context join). The cut may fall inside a secret, leaving a piece the literal
 * match no longer sees; masking a few ordinary characters that happen to look like a secret's edge is the cheaper error.
 */
function maskCutEdges(text: string, values: string[]): string {
  return text
    .split('\u2026')
    .map((seg) => {
      let out = seg;
      for (const v of values) {
        const lead = out.length - out.trimStart().length;
        const head = suffixAtStart(out.slice(lead), v);
        if (head) out = `${out.slice(0, lead)}${MASK}${out.slice(lead + head)}`;
        const body = out.trimEnd();
        const tail = prefixAtEnd(body, v);
        if (tail) out = `${body.slice(0, body.length - tail)}${MASK}${out.slice(body.length)}`;
      }
      return out;
    })
    .join('\u2026');
}

/** Builds a redactor; invalid extra patterns are rejected by config validation before reaching here. */
export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const extra = (opts.patterns ?? []).map((p) => compileGuardedRegex(p, 'g'));
  const plain = (opts.secretValues ?? []).filter((v) => v && v.length >= 4);
  const values = [...new Set([...plain, ...plain.flatMap(base64Forms)])].sort((a, b) => b.length - a.length);
  const literal = values.length ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : null;
  return (text: string) => {
    if (!text) return text;
    let out = literal ? maskCutEdges(text.replace(literal, MASK), plain) : text;
    for (const [re, rep] of BUILTIN) out = out.replace(re, rep);
    for (const re of extra) out = out.replace(re, MASK);
    return out;
  };
}

/** The identity redactor for places that handle no target output. */
export const noRedaction: Redactor = (t) => t;
