/**
 * Shared test helpers for the report tests: fast-check arbitraries of valid HuntReportV1 reports with
 * hostile strings, the strict original-contract validator, and a GitHub-Markdown structure checker.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Check, Classification, HuntReportV1, Signature } from '../../src/core/report-types.js';

/** Strings that have broken Markdown tables, code spans, HTML or terminals somewhere. */
export const NASTY = [
  '|',
  '||',
  'a | b',
  '\\|',
  'a\\',
  '\\',
  '`',
  '``',
  '```',
  '````js',
  'x`y``z',
  '<b>bold</b>',
  '<script>alert(1)</script>',
  '</details>',
  '<details>',
  '<br>',
  '&amp;',
  '&lt;',
  '*emph*',
  '_u_',
  '# heading',
  '> quote',
  '- item',
  '+ item',
  '1. one',
  '2) two',
  '---',
  '===',
  '$x^2$',
  '[link](javascript:alert(1))',
  '![img](http://x/y.png)',
  '@here',
  'line1\nline2',
  'cr\r\nlf',
  '\r',
  '\t tab',
  '    indented',
  '\u0000nul',
  '\u001b[31mred\u001b[0m',
  '\u202eevil',
  '\ud800',
  'emoji 🚀',
  '~~strike~~',
  ':smile:',
  '<!-- comment -->',
  'a'.repeat(5000),
  `${'x'.repeat(400)}|${'y'.repeat(400)}`,
];

const hostileChar = fc.constantFrom(
  '|',
  '`',
  '\\',
  '<',
  '>',
  '\n',
  '\r',
  '*',
  '_',
  '#',
  '&',
  '$',
  '-',
  '+',
  '=',
  '1',
  '.',
  ')',
  ' ',
  '\t',
  '\u0000',
  '~',
  '[',
  ']',
  '(',
  '@',
  '!',
  'a',
  'Z',
  'é',
  '🚀',
  '\u2028',
  '\u001b',
);

/** Any string, biased towards Markdown/HTML/terminal metacharacters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
export const nonEmpty = hostileString.filter((s) => s.length > 0);

const iso = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const num = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }));
const url = fc.oneof(fc.webUrl(), nonEmpty);

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A valid report never ends before it starts (src/report/semantic.ts): the two times in order. */
function ordered<T extends { startedAt: string; endedAt: string }>(o: T): T {
  return o.endedAt < o.startedAt ? { ...o, startedAt: o.endedAt, endedAt: o.startedAt } : o;
}

const metadataValue = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((k) => !['gate', 'allowlist', 'internalErrors'].includes(k)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);

export const checkArb: fc.Arbitrary<Check> = fc
  .record({
    id: nonEmpty,
    title: hostileString,
    status: fc.constantFrom('pass', 'warn', 'fail', 'skip'),
    summary: hostileString,
    startedAt: iso,
    endedAt: iso,
    durationMs: fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true })),
    command: optional(hostileString),
    evidence: optional(fc.array(hostileString, { maxLength: 3 })),
    artifacts: optional(fc.array(hostileString, { maxLength: 2 })),
    metadata: optional(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })),
  })
  .map((c) => ordered(compact(c) as Check));

export const signatureArb: fc.Arbitrary<Signature> = fc
  .record({
    name: nonEmpty,
    source: nonEmpty,
    countWindow: fc.nat({ max: 100000 }),
    countTotal: fc.nat({ max: 100000 }),
    windowMinutes: fc.oneof(fc.integer({ min: 1, max: 100000 }), fc.double({ min: 1, max: 1e5, noNaN: true })),
    baselineWindowCount: optional(fc.double({ min: 0, max: 1e5, noNaN: true, noDefaultInfinity: true })),
    delta: optional(num),
    issueUrl: optional(url),
  })
  .map((s) => compact({ ...s, countTotal: Math.max(s.countTotal, s.countWindow) }) as Signature);

export const classificationArb: fc.Arbitrary<Classification> = fc
  .record({
    id: fc.oneof(
      nonEmpty,
      nonEmpty.map((s) => `signature:${s}`),
      nonEmpty.map((s) => `check:${s}`),
    ),
    category: fc.constantFrom('core', 'plugin-private', 'ops'),
    severity: fc.constantFrom('p0', 'p1', 'p2'),
    status: fc.constantFrom('new', 'known', 'regressed', 'resolved'),
    summary: hostileString,
    reproSteps: optional(fc.array(hostileString, { maxLength: 3 })),
    expected: optional(hostileString),
    actual: optional(hostileString),
    affectedVersions: optional(fc.array(hostileString, { maxLength: 2 })),
    suggestedFix: optional(hostileString),
    issueUrl: optional(url),
    prUrl: optional(url),
  })
  .map((c) => compact(c) as Classification);

/** A random report that is valid against the toolkit schema. */
export const reportArb: fc.Arbitrary<HuntReportV1> = fc
  .record({
    version: fc.constant('1' as const),
    release: nonEmpty,
    runId: nonEmpty,
    lane: fc.constantFrom('prod-observe', 'staging-chaos'),
    startedAt: iso,
    endedAt: iso,
    checks: fc.array(checkArb, { maxLength: 6 }),
    signatures: fc.array(signatureArb, { maxLength: 4 }),
    classification: fc.array(classificationArb, { maxLength: 4 }),
    upstreamLinks: fc.array(url, { maxLength: 3 }),
    metadata: optional(metadataValue),
  })
  .map((r) => ordered(compact(r) as HuntReportV1));

const strictSchema = JSON.parse(readFileSync(new URL('../fixtures/contract/hunt-report-v1.strict.schema.json', import.meta.url), 'utf8'));
const strictValidate = new Ajv2020({ allErrors: true, strict: true }).compile(strictSchema);

/** Violations of the ORIGINAL HuntReportV1 contract (strict copy), as `path keyword` strings; [] when valid. */
export function strictContractErrors(data: unknown): string[] {
  return strictValidate(data) ? [] : (strictValidate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** GFM table cell count of a row: a backslash escapes the next character, unescaped pipes split. */
export function gfmCells(row: string): number {
  let s = row.trim();
  if (s.startsWith('|')) s = s.slice(1);
  let cells = 1;
  let i = 0;
  for (; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '|') cells++;
  }
  // A trailing unescaped pipe closes the row rather than opening a cell.
  const trailing = /(^|[^\\])(\\\\)*\|\s*$/.test(s);
  return trailing ? cells - 1 : cells;
}

/** Removes inline code spans (their content is literal), honouring backslash-escaped backticks outside them. */
export function stripCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] === '\\') {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] === '`') {
      let j = i;
      while (line[j] === '`') j++;
      const run = line.slice(i, j);
      const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
      close.lastIndex = j;
      const m = close.exec(line);
      if (m) {
        i = m.index + run.length;
        continue;
      }
      out += run;
      i = j;
      continue;
    }
    out += line[i++];
  }
  return out;
}

/**
 * Structural problems of rendered Markdown: tables whose rows have the wrong cell count, unclosed fences,
 * unbalanced <details>, and raw HTML other than the renderer's own (<br>, <details>, <summary>, link <url>).
 */
export function markdownProblems(md: string): string[] {
  const problems: string[] = [];
  const lines = md.split('\n');
  let fence: string | null = null;
  let tableCells = 0;
  let details = 0;
  lines.forEach((line, n) => {
    if (fence !== null) {
      if (new RegExp(`^${fence}\\s*$`).test(line)) fence = null;
      else if (line.startsWith(fence) && /^`+\s*$/.test(line)) problems.push(`line ${n + 1}: a longer fence closes early`);
      return;
    }
    const open = /^(`{3,})[A-Za-z0-9_+-]*$/.exec(line);
    if (open) {
      fence = open[1];
      tableCells = 0;
      return;
    }
    if (line === '<details>') details++;
    else if (line === '</details>') details--;
    const next = lines[n + 1] ?? '';
    if (line.startsWith('|') && /^\|( ?-+:? ?\|)+\s*$/.test(next.replace(/---:/g, '---'))) {
      tableCells = gfmCells(line);
      if (gfmCells(next) !== tableCells) problems.push(`line ${n + 2}: delimiter row has ${gfmCells(next)} cells, header ${tableCells}`);
    } else if (tableCells > 0 && line.startsWith('|') && !/^\|( ?-+:? ?\|)+\s*$/.test(line)) {
      if (gfmCells(line) !== tableCells) problems.push(`line ${n + 1}: row has ${gfmCells(line)} cells, header ${tableCells}: ${line.slice(0, 120)}`);
    } else if (!line.startsWith('|')) {
      if (tableCells > 0 && line.trim() !== '') problems.push(`line ${n + 1}: table not ended by a blank line`);
      tableCells = 0;
    }
    const stripped = stripCodeSpans(line)
      .replace(/^<\/?details>$/, '')
      .replace(/^<summary>(.*)<\/summary>$/, '$1')
      .replace(/<br>/g, '')
      .replace(/\]\(<https?:\/\/[^\s<>]*>\)/g, '](');
    for (let i = 0; i < stripped.length; i++) {
      if (stripped[i] === '\\') i++;
      else if (stripped[i] === '<') problems.push(`line ${n + 1}: raw "<" outside code: ${line.slice(0, 120)}`);
    }
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line)) problems.push(`line ${n + 1}: control character`);
  });
  if (fence !== null) problems.push('unclosed fenced block at the end');
  if (details !== 0) problems.push(`unbalanced <details>: ${details}`);
  return problems;
}
