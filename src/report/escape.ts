/**
 * Escaping for GitHub-flavoured Markdown. Every report string is untrusted: it may hold pipes, backticks,
 * newlines, HTML, emphasis, math (`$`), @mentions or control characters. Each function here produces text
 * that renders literally in its context and cannot break the surrounding structure (a table row, a code
 * span, a fenced block, an HTML <summary>).
 */

import { stripAnsi } from '../runtime/safe-text.js';

/** Characters that are backslash-escaped in inline text (all ASCII punctuation, so `\x` is a valid escape). */
const INLINE_SPECIAL = /[\\`*_[\]<>|~&#@!$]/g;

/**
 * Removes what no context can hold: C0/C1 controls (except tab and newline), bidi overrides that can
 * visually reorder text, lone surrogates. CR/LF and Unicode line separators become `\n`.
 */
export function sanitize(s: string): string {
  return stripAnsi(s)
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Cuts to at most `max` code points, marking the cut with an ellipsis (reads no further than the cut). */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s; // code units >= code points
  let cps = 0;
  let i = 0;
  let keepEnd = 0;
  while (i < s.length) {
    if (cps === Math.max(0, max - 1)) keepEnd = i;
    if (cps === max) return `${s.slice(0, keepEnd)}…`;
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    cps++;
  }
  return s;
}

/**
 * A prefix of `s` long enough to hold `max` code points after sanitizing, so capped helpers never sanitize
 * megabytes they will cut anyway (sanitize only removes or merges characters; the slack covers removed ones).
 */
export function headFor(s: string, max: number): string {
  const keep = max * 4 + 64;
  return s.length > keep ? s.slice(0, keep) : s;
}

/**
 * Defuses GitHub @mentions and issue references (`#12`, `GH-12`, `org/repo#12`) in untrusted text with a
 * zero-width joiner after the mark: GitHub ignores backslash escapes here (github/markup#1168) and would
 * ping the user or link (and notify) the issue; the text still reads the same.
 */
export function defuseReferences(s: string): string {
  return s
    .replace(/@(?=[A-Za-z0-9_-])/g, '@\u200d')
    .replace(/#(?=\d)/g, '#\u200d')
    .replace(/\b(GH)-(?=\d)/gi, '$1-\u200d');
}

/**
 * Inline Markdown text on one line: every special character backslash-escaped, newlines as `<br>`
 * (or a space with `newline: 'space'`), and line-start constructs (lists, setext underlines) defused.
 */
export function mdText(raw: unknown, opts: { newline?: 'br' | 'space' } = {}): string {
  // Leading blanks would turn into an indented code block when the text starts a Markdown line.
  const s = sanitize(String(raw ?? ''))
    .replace(/\t/g, ' ')
    .replace(/^\s+/, '');
  const lines = s.split('\n').map((line) => {
    let out = defuseReferences(line).replace(INLINE_SPECIAL, (c) => `\\${c}`);
    // At the start of a line "- x", "+ x", "1. x", "1) x" open a list and a line of only - or = is an
    // underline or a thematic break; "+1", "-2" or "1.5.0" are left alone.
    out = out
      .replace(/^(\s*)([-+])(?=\s|$)/, '$1\\$2')
      .replace(/^(\s*)([-=])(?=[-=\s]*$)/, '$1\\$2')
      .replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
    return out;
  });
  return lines.join(opts.newline === 'space' ? ' ' : '<br>');
}

/** Default cap of a table cell, in code points; the full text stays in the JSON report. */
export const CELL_MAX = 300;

/** A GFM table cell: inline text, capped, pipes escaped, never a line break in the row. */
export function mdCell(raw: unknown, max: number = CELL_MAX): string {
  const s = sanitize(headFor(String(raw ?? ''), max)).trim();
  return mdText(truncate(s, max));
}

/** The shortest run of backticks longer than any run inside `s` (at least `min`). */
export function backtickFence(s: string, min = 1): string {
  let longest = 0;
  for (const m of s.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(min, longest + 1));
}

/** An inline code span that shows `raw` literally on one line (outside tables). */
export function mdCode(raw: unknown): string {
  const s = sanitize(String(raw ?? '')).replace(/[\n\t]/g, ' ');
  if (s === '') return mdText('(empty)');
  const fence = backtickFence(s);
  const pad = /^[ `]|[ `]$/.test(s) ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/**
 * A code span inside a table cell. GFM splits cells on unescaped pipes even inside code, and `\|` is the
 * only escape; a backslash right before a pipe cannot be expressed in code, so such values fall back to
 * escaped text.
 */
export function mdCellCode(raw: unknown, max: number = CELL_MAX): string {
  const s = truncate(
    sanitize(headFor(String(raw ?? ''), max))
      .replace(/[\n\t]/g, ' ')
      .trim(),
    max,
  );
  if (s === '' || (s.includes('\\') && s.includes('|'))) return mdCell(s, max);
  return mdCode(s).replace(/\|/g, '\\|');
}

/** A fenced code block holding `raw` verbatim; the fence is longer than any backtick run inside. */
export function mdFence(raw: unknown, lang = ''): string {
  const s = sanitize(String(raw ?? ''));
  const fence = backtickFence(s, 3);
  const info = /^[A-Za-z0-9_+-]{1,20}$/.test(lang) ? lang : '';
  const body = s.endsWith('\n') ? s : `${s}\n`;
  return `${fence}${info}\n${body}${fence}`;
}

/** Text for raw HTML (e.g. inside <summary>): entities escaped, on one line. */
export function htmlText(raw: unknown): string {
  const s = sanitize(String(raw ?? ''))
    .replace(/\s+/g, ' ')
    .trim();
  // Inline Markdown is not parsed inside an HTML block, but mentions and references are still linked there.
  return defuseReferences(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Longest URL emitted as a link; longer ones are shown as (capped) text. */
export const URL_MAX = 2000;

/** Whether a URL is safe to emit as a link target (http/https, no whitespace, brackets, pipes or backslashes). */
export function isSafeUrl(url: string): boolean {
  return /^https?:\/\/[^\s<>`\\|\u0000-\u001f\u007f-\u009f]+$/i.test(url);
}

/** A Markdown link when the URL is safe, else the URL as escaped text (never a javascript: or data: link). */
export function mdLink(label: unknown, url: unknown, max: number = CELL_MAX): string {
  const u = String(url ?? '');
  const text = mdCell(label === undefined || label === null || label === '' ? u : label, max);
  if (!isSafeUrl(u) || u.length > URL_MAX) return mdCell(u, Math.min(max, URL_MAX));
  return `[${text}](<${u}>)`;
}

/**
 * Keeps the head and tail of a long block (logs: the end matters as much as the start), marking the cut.
 * Returns the text unchanged when it fits.
 */
export function clipMiddle(s: string, max: number): string {
  if (s.length <= max) return s;
  const half = Math.floor(max / 2);
  const head = s.slice(0, half);
  const tail = s.slice(s.length - half);
  return `${head}\n… ${s.length - 2 * half} characters omitted (the JSON report has the full text) …\n${tail}`;
}
