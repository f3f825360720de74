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

/** Builds a redactor; invalid extra patterns are rejected by config validation before reaching here. */
export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const extra = (opts.patterns ?? []).map((p) => compileGuardedRegex(p, 'g'));
  const plain = (opts.secretValues ?? []).filter((v) => v && v.length >= 4);
  const values = [...new Set([...plain, ...plain.flatMap(base64Forms)])].sort((a, b) => b.length - a.length);
  const literal = values.length ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : null;
  return (text: string) => {
    if (!text) return text;
    let out = literal ? text.replace(literal, MASK) : text;
    for (const [re, rep] of BUILTIN) out = out.replace(re, rep);
    for (const re of extra) out = out.replace(re, MASK);
    return out;
  };
}

/** The identity redactor for places that handle no target output. */
export const noRedaction: Redactor = (t) => t;
