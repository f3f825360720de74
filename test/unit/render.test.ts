import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AllowlistFile } from '../../src/core/allowlist.js';
import { computeVerdict } from '../../src/core/verdict.js';
import { normalizeReport } from '../../src/core/normalize.js';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import { loadTemplates, renderMarkdown, type TemplateSet } from '../../src/report/markdown.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderPipeline } from '../../src/report/pipeline.js';
import { validateReport } from '../../src/report/validate.js';
import { buildView } from '../../src/report/view-model.js';
import { sanitize } from '../../src/report/escape.js';
import { markdownProblems, reportArb, strictContractErrors } from './render.arbitraries.js';

const NOW = Date.UTC(2026, 1, 14, 12, 0, 0);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/reports/${name}.json`, import.meta.url), 'utf8')) as HuntReportV1;
const knownIssues: AllowlistFile = {
  ...(JSON.parse(readFileSync(new URL('../fixtures/allowlists/known-issues.json', import.meta.url), 'utf8')) as AllowlistFile),
  file: 'test/fixtures/allowlists/known-issues.json',
};
const goldenDir = new URL('../golden/', import.meta.url);

let tmp: string;
let templates: TemplateSet;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-render-'));
  templates = await loadTemplates();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Compares with test/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead. */
function golden(name: string, actual: string): void {
  const file = new URL(name, goldenDir);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

/** Minimal XML well-formedness: balanced tags, quoted attributes, only known entities, no stray markup. */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  const re = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of body.matchAll(re)) {
    if (m[6]) problems.push(`stray < at ${m.index}`);
    else if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(m[5])) problems.push(`bad entity near ${m.index}`);
    } else if (m[1]) {
      if (stack.pop() !== m[2]) problems.push(`mismatched </${m[2]}>`);
    } else if (!m[4]) stack.push(m[2]);
  }
  if (stack.length) problems.push(`unclosed ${stack.join(',')}`);
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml)) problems.push('character not allowed in XML');
  return problems;
}

describe('golden Markdown', () => {
  it('the failing fixture with the known-issue allowlist renders exactly as the golden file', async () => {
    const res = await renderPipeline(fixture('fail'), {
      jsonOut: path.join(tmp, 'fail.json'),
      mdOut: path.join(tmp, 'fail.md'),
      junitOut: path.join(tmp, 'fail.xml'),
      allowlist: knownIssues,
      nowMs: NOW,
    });
    expect(res.verdict.status).toBe('fail');
    expect(res.exitCode).toBe(1);
    golden('fail-with-allowlist.md', readFileSync(path.join(tmp, 'fail.md'), 'utf8'));
    golden('fail-with-allowlist.junit.xml', readFileSync(path.join(tmp, 'fail.xml'), 'utf8'));
    golden('fail-with-allowlist.json', readFileSync(path.join(tmp, 'fail.json'), 'utf8'));
  });

  it('the passing fixture renders exactly as the golden file', async () => {
    const res = await renderPipeline(fixture('pass'), { jsonOut: path.join(tmp, 'pass.json'), mdOut: path.join(tmp, 'pass.md'), nowMs: NOW });
    expect(res.verdict.status).toBe('pass');
    golden('pass.md', readFileSync(path.join(tmp, 'pass.md'), 'utf8'));
  });

  it('rendering is deterministic and re-rendering its own output changes nothing', async () => {
    const a = await renderPipeline(fixture('fail'), { jsonOut: path.join(tmp, 'a.json'), mdOut: path.join(tmp, 'a.md'), allowlist: knownIssues, nowMs: NOW });
    const b = await renderPipeline(a.report, { jsonOut: path.join(tmp, 'b.json'), mdOut: path.join(tmp, 'b.md') });
    expect(readFileSync(path.join(tmp, 'b.json'), 'utf8')).toBe(readFileSync(path.join(tmp, 'a.json'), 'utf8'));
    expect(readFileSync(path.join(tmp, 'b.md'), 'utf8')).toBe(readFileSync(path.join(tmp, 'a.md'), 'utf8'));
    expect(b.verdict).toEqual(a.verdict);
  });
});

describe('renderPipeline', () => {
  it('keeps the input blocking severity on a re-render unless told otherwise', async () => {
    const r = fixture('fail');
    const strict = await renderPipeline(r, { jsonOut: path.join(tmp, 's.json'), mdOut: path.join(tmp, 's.md'), blockingSeverity: 'p1' });
    expect(strict.verdict.blockingSeverity).toBe('p1');
    const again = await renderPipeline(strict.report, { jsonOut: path.join(tmp, 's2.json'), mdOut: path.join(tmp, 's2.md') });
    expect(again.verdict.blockingSeverity).toBe('p1');
    expect(
      again.verdict.reasons
        .filter((x) => x.rule === 'classification-blocking')
        .map((x) => x.id)
        .sort(),
    ).toEqual(['check:chaos_bad_config', 'signature:fatal_crash', 'signature:upstream_unreachable']);
  });

  it('persists internal errors so the report says fail, also after a re-render', async () => {
    const first = await renderPipeline(fixture('pass'), {
      jsonOut: path.join(tmp, 'i.json'),
      mdOut: path.join(tmp, 'i.md'),
      internalErrors: ['scanner crashed: EIO'],
    });
    expect(first.verdict.status).toBe('fail');
    expect(first.report.metadata?.internalErrors).toEqual(['scanner crashed: EIO']);
    const second = await renderPipeline(first.report, { jsonOut: path.join(tmp, 'i2.json'), mdOut: path.join(tmp, 'i2.md') });
    expect(second.verdict.status).toBe('fail');
  });

  it('maps warn to exit 1 only with failOn warn', async () => {
    const opts = { jsonOut: path.join(tmp, 'w.json'), mdOut: path.join(tmp, 'w.md') };
    expect((await renderPipeline(fixture('warn'), opts)).exitCode).toBe(0);
    expect((await renderPipeline(fixture('warn'), { ...opts, failOn: 'warn' })).exitCode).toBe(1);
  });

  it('appends to the step summary and refuses outputs that collide', async () => {
    const summary = path.join(tmp, 'step-summary.md');
    writeFileSync(summary, 'previous step\n');
    await renderPipeline(fixture('warn'), { jsonOut: path.join(tmp, 'ss.json'), mdOut: path.join(tmp, 'ss.md'), stepSummary: summary });
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('previous step\n# ⚠️ Hunt report: WARN')).toBe(true);
    await expect(renderPipeline(fixture('warn'), { jsonOut: path.join(tmp, 'x.md'), mdOut: path.join(tmp, 'x.md') })).rejects.toThrow(/same file/);
  });

  it('appends the compact summary when the full Markdown is too large for a GitHub step summary', async () => {
    const big = fixture('pass');
    big.checks = Array.from({ length: 150 }, (_, i) => ({ ...big.checks[0], id: `c${String(i).padStart(3, '0')}`, evidence: ['x'.repeat(10_000)] }));
    const summary = path.join(tmp, 'big-summary.md');
    const res = await renderPipeline(big, { jsonOut: path.join(tmp, 'big.json'), mdOut: path.join(tmp, 'big.md'), stepSummary: summary });
    expect(readFileSync(res.paths.md, 'utf8').length).toBeGreaterThan(900 * 1024);
    const appended = readFileSync(summary, 'utf8');
    expect(appended.length).toBeLessThan(10_000);
    expect(appended).toContain('too large for the step summary');
    expect(markdownProblems(appended)).toEqual([]);
  });

  it('rejects an invalid in-memory report as an internal error (exit 1 path), writing nothing', async () => {
    const bad = { ...fixture('pass'), lane: 'prod' } as unknown as HuntReportV1;
    await expect(renderPipeline(bad, { jsonOut: path.join(tmp, 'bad.json'), mdOut: path.join(tmp, 'bad.md') })).rejects.toThrow(
      /not a valid HuntReportV1: \/lane/,
    );
    expect(existsSync(path.join(tmp, 'bad.json'))).toBe(false);
  });
});

describe('custom templates', () => {
  it('a --template directory overrides the main template and single partials', async () => {
    const dir = path.join(tmp, 'tpl');
    mkdirSync(path.join(dir, 'partials'), { recursive: true });
    writeFileSync(path.join(dir, 'partials', 'header.hbs'), '# Custom {{cell report.release}} {{gateLabel}}\n\n');
    const res = await renderPipeline(fixture('pass'), { jsonOut: path.join(tmp, 'c.json'), mdOut: path.join(tmp, 'c.md'), templateDir: dir });
    const md = readFileSync(res.paths.md, 'utf8');
    expect(md.startsWith('# Custom 1.4.0 PASS\n\n## Summary')).toBe(true);
    writeFileSync(path.join(dir, 'report.md.hbs'), 'only {{report.runId}} {{> header}}');
    await renderPipeline(fixture('pass'), { jsonOut: path.join(tmp, 'c.json'), mdOut: path.join(tmp, 'c.md'), templateDir: dir });
    expect(readFileSync(path.join(tmp, 'c.md'), 'utf8')).toBe('only gate-20260131-0900 # Custom 1.4.0 PASS\n');
  });

  it('names the template file on a syntax error or an unknown partial, and refuses an empty directory', async () => {
    const dir = path.join(tmp, 'tpl-bad');
    mkdirSync(dir, { recursive: true });
    await expect(loadTemplates(dir)).rejects.toThrow(/holds no report\.md\.hbs/);
    await expect(loadTemplates(path.join(tmp, 'missing'))).rejects.toThrow(/is not a directory/);
    writeFileSync(path.join(dir, 'report.md.hbs'), '{{#if x}} unclosed');
    const set = await loadTemplates(dir);
    const view = buildView(normalizeReport(fixture('pass')), computeVerdict(fixture('pass')));
    expect(() => renderMarkdown(view, set)).toThrow(/tpl-bad\/report\.md\.hbs/);
    writeFileSync(path.join(dir, 'report.md.hbs'), '{{> nope}}');
    const withMissingPartial = await loadTemplates(dir);
    expect(() => renderMarkdown(view, withMissingPartial)).toThrow(/report\.md\.hbs.*nope/);
  });
});

describe('property: random valid reports', () => {
  it('always render to structurally valid Markdown and JUnit, and always re-validate', () => {
    fc.assert(
      fc.property(reportArb, fc.constantFrom<'p0' | 'p1' | 'p2'>('p0', 'p1', 'p2'), (input, blockingSeverity) => {
        const verdict = computeVerdict(input, { blockingSeverity });
        const report = normalizeReport({ ...input, metadata: { ...(input.metadata ?? {}), gate: verdict } });
        const roundTrip = JSON.parse(JSON.stringify(report));
        expect(validateReport(roundTrip)).toMatchObject({ ok: true });
        expect(strictContractErrors(roundTrip)).toEqual([]);
        const md = renderMarkdown(buildView(report, verdict), templates);
        expect(markdownProblems(md)).toEqual([]);
        // Every short evidence item appears verbatim inside a fenced block.
        for (const c of report.checks) for (const e of c.evidence ?? []) if (e.length < 2000) expect(md).toContain(sanitize(e).replace(/\n$/, ''));
        expect(xmlProblems(renderJunit(report, verdict))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('the golden fixtures are structurally valid too', () => {
    for (const name of ['fail-with-allowlist.md', 'pass.md']) expect(markdownProblems(readFileSync(new URL(name, goldenDir), 'utf8'))).toEqual([]);
    expect(xmlProblems(readFileSync(new URL('fail-with-allowlist.junit.xml', goldenDir), 'utf8'))).toEqual([]);
  });
});
