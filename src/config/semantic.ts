/**
 * Cross-field checks zod cannot express per field: references between sections, duplicates, placeholders.
 * Pure: takes the parsed config, returns issues in the same `{path, message}` shape as zod's.
 */
import { customIssues } from './custom-semantic.js';
import { envRefProblem } from './env-refs.js';
import { PLACEHOLDERS } from './placeholders.js';
import type { HuntConfig } from './schema.js';
import { compilePattern } from '../scan/ts-pattern.js';
import { validZone } from '../scan/ts-zone.js';

import { excludeList } from './scenarios.js';

export { excludeList };

export interface ConfigIssue {
  path: PropertyKey[];
  message: string;
}

function unknownPlaceholders(text: string): string[] {
  const found = [...text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]);
  return found.filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
}

function checkPlaceholders(text: string | undefined, path: PropertyKey[], out: ConfigIssue[]): void {
  if (text === undefined) return;
  for (const name of unknownPlaceholders(text)) {
    out.push({ path, message: `unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})` });
  }
}

function duplicates<T>(items: T[], key: (t: T) => string, path: (i: number) => PropertyKey[], what: string, out: ConfigIssue[]): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const prev = first.get(k);
    if (prev === undefined) first.set(k, i);
    else out.push({ path: path(i), message: `duplicate ${what} "${k}" (first defined at index ${prev})` });
  });
}

function validRegex(source: string): string | null {
  try {
    new RegExp(source);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

function checkHealthUrl(url: string | undefined, out: ConfigIssue[], at: PropertyKey[] = ['target', 'healthUrl']): void {
  if (url === undefined) return;
  // Placeholders are filled with plausible values so the URL's shape can be checked before any run.
  const probe = url.replace(/\{port\}/g, '1').replace(/\{[A-Za-z]+\}/g, 'x');
  let parsed: URL;
  try {
    parsed = new URL(probe);
  } catch {
    out.push({ path: at, message: `not a valid URL: "${url}"` });
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    out.push({ path: at, message: `must be an http:// or https:// URL (got ${parsed.protocol})` });
  }
}

/** The target's lifecycle knobs that only make sense together. */
function checkTarget(config: HuntConfig, out: ConfigIssue[]): void {
  const t = config.target;
  if (t.health && t.healthUrl) out.push({ path: ['target', 'health'], message: 'give either target.health or its short form target.healthUrl, not both' });
  if (t.health?.kind === 'http') {
    checkPlaceholders(t.health.url, ['target', 'health', 'url'], out);
    checkHealthUrl(t.health.url, out, ['target', 'health', 'url']);
  }
  if (!t.statusCommand && t.manage !== 'hunt') {
    out.push({ path: ['target', 'statusCommand'], message: 'required (or set target.manage to "hunt" so hunt derives it from its pid file)' });
  }
  for (const key of Object.keys(t.env).sort()) {
    const problem = envRefProblem(t.env[key]);
    if (problem) out.push({ path: ['target', 'env', key], message: problem });
  }
  if (config.chaos.gracefulShutdown.via === 'stopCommand' && !t.stopCommand) {
    out.push({ path: ['chaos', 'gracefulShutdown', 'via'], message: '"stopCommand" needs target.stopCommand' });
  }
}

/** Every cross-field problem of a parsed config, in document order. */
export function semanticIssues(config: HuntConfig): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const t = config.target;
  checkPlaceholders(t.home, ['target', 'home'], out);
  checkPlaceholders(t.healthUrl, ['target', 'healthUrl'], out);
  checkHealthUrl(t.healthUrl, out);
  checkPlaceholders(t.configFile, ['target', 'configFile'], out);
  checkPlaceholders(t.pidFile, ['target', 'pidFile'], out);
  checkTarget(config, out);

  duplicates(
    config.logs,
    (l) => l.source,
    (i) => ['logs', i, 'source'],
    'log source',
    out,
  );
  config.logs.forEach((l, i) => {
    checkPlaceholders(l.path, ['logs', i, 'path'], out);
    if (l.timestamp?.format === 'regex' && !l.timestamp.regex) {
      out.push({ path: ['logs', i, 'timestamp', 'regex'], message: 'required when format is "regex"' });
    }
    if (l.timestamp?.format === 'pattern' && !l.timestamp.pattern) {
      out.push({ path: ['logs', i, 'timestamp', 'pattern'], message: 'required when format is "pattern"' });
    }
    if (l.timestamp?.pattern) {
      try {
        compilePattern(l.timestamp.pattern);
      } catch (err) {
        out.push({ path: ['logs', i, 'timestamp', 'pattern'], message: (err as Error).message });
      }
    }
    if (l.timestamp?.timezone && !validZone(l.timestamp.timezone)) {
      out.push({
        path: ['logs', i, 'timestamp', 'timezone'],
        message: `unknown time zone "${l.timestamp.timezone}" (an IANA name like Europe/Berlin, or an offset like +02:00)`,
      });
    }
  });

  const sources = new Set(config.logs.map((l) => l.source));
  duplicates(
    config.signatures,
    (s) => s.name,
    (i) => ['signatures', i, 'name'],
    'signature name',
    out,
  );
  config.signatures.forEach((s, i) => {
    if (!sources.has(s.source)) {
      const known = [...sources].join(', ') || 'none: add a logs[] entry';
      out.push({ path: ['signatures', i, 'source'], message: `unknown log source "${s.source}" (defined: ${known})` });
    }
    if (s.regex) {
      const err = validRegex(s.pattern);
      if (err) out.push({ path: ['signatures', i, 'pattern'], message: `invalid regular expression: ${err}` });
      excludeList(s.exclude).forEach((x) => {
        const e = validRegex(x);
        if (e) out.push({ path: ['signatures', i, 'exclude'], message: `invalid regular expression: ${e}` });
      });
    }
  });

  out.push(...customIssues(config));
  config.chaos.custom.forEach((c, i) => {
    if (typeof c.action.command === 'string') checkPlaceholders(c.action.command, ['chaos', 'custom', i, 'action', 'command'], out);
  });

  duplicates(
    config.gate.tests,
    (b) => b.id,
    (i) => ['gate', 'tests', i, 'id'],
    'test bundle id',
    out,
  );
  return inDocumentOrder(out);
}

const SECTIONS = ['target', 'logs', 'signatures', 'chaos', 'gate'];

/** Stable sort by section, then by array index, so issues read top to bottom like the file. */
function inDocumentOrder(issues: ConfigIssue[]): ConfigIssue[] {
  const index = (p: PropertyKey[]) => {
    const i = p[0] === 'gate' ? p[2] : p[1];
    return typeof i === 'number' ? i : -1;
  };
  return issues
    .map((issue, n) => ({ issue, n }))
    .sort(
      (a, b) => SECTIONS.indexOf(String(a.issue.path[0])) - SECTIONS.indexOf(String(b.issue.path[0])) || index(a.issue.path) - index(b.issue.path) || a.n - b.n,
    )
    .map((x) => x.issue);
}
