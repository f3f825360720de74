/**
 * Hostile report content through the render pipeline (in-process): caps on every Markdown output and the
 * step summary, mentions and references defused, ANSI removed whole, <summary> escaped, catch-all
 * allowlist entries named in the verdict, derived classifications covered by their check's entry.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderPipeline, STEP_SUMMARY_MAX_BYTES } from '../../src/report/pipeline.js';
import { MARKDOWN_MAX_BYTES } from '../../src/report/cap.js';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import { baseReport } from './corpus.helpers.js';
import { renderReport } from '../../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hunt-md-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function render(report: Record<string, any>, extra: Record<string, unknown> = {}) {
  const out = { jsonOut: path.join(dir, 'r.json'), mdOut: path.join(dir, 'r.md'), stepSummary: path.join(dir, 'summary.md') };
  const res = await renderPipeline(report as HuntReportV1, { ...out, ...extra });
  return { res, md: readFileSync(out.mdOut, 'utf8'), summary: readFileSync(out.stepSummary, 'utf8') };
}

function failingCheck(id: string, patch: Record<string, unknown> = {}) {
  return { id, title: id, status: 'fail', summary: 'broke', startedAt: '2026-03-01T10:00:00Z', endedAt: '2026-03-01T10:00:01Z', durationMs: 1, ...patch };
}

describe('Markdown from hostile content', () => {
  it('a 20 MB title and summary give a capped report and step summary, with a note of the cut', async () => {
    const huge = 'T'.repeat(20 * 1024 * 1024);
    const many = Array.from({ length: 1500 }, (_, i) => failingCheck(`c${i}`, { title: `${i}${'x'.repeat(2000)}`, evidence: ['e'.repeat(3000)] }));
    const { md, summary } = await render(baseReport((r) => r.checks.push(failingCheck('big', { title: huge, summary: huge }), ...many)));
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    expect(md).toMatch(/\*\*Cut:\*\* \d+ of \d+ bytes of this document were left out/);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES + 1);
    // An open fence or <details> at the cut is closed.
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
    expect(statSync(path.join(dir, 'r.json')).size).toBeGreaterThan(40 * 1024 * 1024); // the JSON keeps everything
  });

  it('the programmatic renderReport applies the same cap as render-report (one render step)', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => failingCheck(`c${i}`, { title: `${i}${'x'.repeat(2000)}`, evidence: ['e'.repeat(3000)] }));
    const report = baseReport((r) => r.checks.push(...many));
    const api = await renderReport(report);
    const { md } = await render(report);
    expect(Buffer.byteLength(api.markdown)).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    expect(api.markdown).toBe(md);
  });

  it('mentions and issue references are defused everywhere, <summary> text is escaped', async () => {
    const title = '@octocat </summary><img src=x onerror=alert(1)> fixes #12 and GH-7 @org/team';
    const { md } = await render(baseReport((r) => r.checks.push(failingCheck('c1', { title, summary: '@octocat see #99', evidence: ['x'] }))));
    expect(md).not.toMatch(/@(?!\u200d)[A-Za-z0-9]/);
    expect(md).not.toMatch(/(?<!`[^`\n]*)#(?!\u200d)\d/);
    expect(md).not.toMatch(/GH-(?!\u200d)\d/);
    const summaryLine = md.split('\n').find((l) => l.startsWith('<summary>') && l.includes('c1'))!;
    expect(summaryLine).toContain('&lt;/summary&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(summaryLine.match(/<\/summary>/g)).toHaveLength(1);
  });

  it('ANSI sequences in evidence and titles are removed whole, not left as [31m', async () => {
    const { md } = await render(
      baseReport((r) =>
        r.checks.push(
          failingCheck('c1', { title: '\u001b[31mred\u001b[39m', evidence: ['\u001b[90mgrey\u001b[39m \u001b]8;;http://x\u0007link\u001b]8;;\u0007'] }),
        ),
      ),
    );
    expect(md).not.toContain('\u001b');
    expect(md).not.toMatch(/\[\d+m/);
    expect(md).toContain('grey link');
  });
});

describe('allowlist', () => {
  const entry = (id: string, match: Record<string, string>) => ({ id, match, issueUrl: `https://example.test/issues/${id}`, reason: 'known' });

  it('a catch-all entry still applies but the verdict names it (warn), never a silent fail -> warn', async () => {
    const report = baseReport((r) => r.checks.push(failingCheck('db_migrate')));
    const { res, md } = await render(report, { allowlist: { entries: [entry('all', { check: '*' })] } });
    expect(res.verdict.status).toBe('warn');
    expect(res.verdict.reasons.map((r) => r.rule)).toContain('allowlist-catch-all');
    expect(md).toMatch(/allowlist-catch-all/);
  });

  it('one entry for a check covers the classification derived from it (ops and chaos)', async () => {
    const report = baseReport((r) => {
      r.checks.push(failingCheck('db_migrate'), failingCheck('chaos_bad_config'));
      r.classification.push(
        { id: 'ops_failed_checks', category: 'ops', severity: 'p0', status: 'new', summary: '1 strict check(s) failed: db_migrate' },
        { id: 'chaos_bad_config', category: 'core', severity: 'p0', status: 'new', summary: 'bad config accepted' },
      );
    });
    const { res } = await render(report, { allowlist: { entries: [entry('m', { check: 'db_migrate' }), entry('b', { check: 'chaos_bad_config' })] } });
    expect(res.verdict.status).toBe('warn');
    expect(res.report.classification.map((c) => `${c.id}:${c.status}`).sort()).toEqual(['chaos_bad_config:known', 'ops_failed_checks:known']);
  });
});
