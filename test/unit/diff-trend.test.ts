import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/core/diff.js';
import type { Check, Classification, HuntReportV1, Signature } from '../../src/core/report-types.js';
import { trendOf } from '../../src/core/trend.js';
import { renderDiffMarkdown } from '../../src/report/diff-md.js';
import { chartLabel, renderTrendMarkdown, trendChart } from '../../src/report/trend-md.js';
import { markdownProblems, reportArb } from './render.arbitraries.js';

const at = (h: number) => new Date(Date.UTC(2026, 0, 1 + h)).toISOString();
const check = (id: string, status: Check['status'], summary = status): Check => ({
  id,
  title: id,
  status,
  summary,
  startedAt: at(0),
  endedAt: at(0),
  durationMs: 1,
});
const cls = (id: string, severity: Classification['severity'], status: Classification['status']): Classification => ({
  id,
  category: 'core',
  severity,
  status,
  summary: `${id} ${status}`,
});
const sig = (name: string, countWindow: number, windowMinutes = 60): Signature => ({
  name,
  source: 'app',
  countWindow,
  countTotal: countWindow,
  windowMinutes,
});
function report(release: string, day: number, parts: Partial<HuntReportV1> = {}): HuntReportV1 {
  return {
    version: '1',
    release,
    runId: `run-${release}`,
    lane: 'prod-observe',
    startedAt: at(day),
    endedAt: at(day),
    checks: [],
    signatures: [],
    classification: [],
    upstreamLinks: [],
    ...parts,
  };
}

describe('diffReports', () => {
  const before = report('1.4.0', 0, {
    checks: [check('smoke', 'warn'), check('restart', 'fail'), check('health', 'pass'), check('gone', 'fail')],
    classification: [cls('signature:crash', 'p1', 'new'), cls('signature:slow', 'p2', 'known'), cls('signature:old', 'p0', 'regressed')],
    signatures: [sig('crash', 2), sig('slow', 10, 120)],
  });
  const after = report('1.5.0', 1, {
    checks: [check('smoke', 'fail'), check('restart', 'warn'), check('health', 'fail'), check('gone', 'pass')],
    classification: [cls('signature:crash', 'p1', 'new'), cls('signature:slow', 'p0', 'new'), cls('signature:old', 'p0', 'resolved')],
    signatures: [sig('crash', 2), sig('slow', 10, 60), sig('fresh', 3)],
  });

  it('sorts findings into regressed, new, improved and resolved', () => {
    const d = diffReports(before, after);
    const by = (k: string) => d.findings.filter((f) => f.change === k).map((f) => `${f.kind}:${f.id}`);
    expect(by('regressed')).toEqual(['check:smoke', 'classification:signature:slow']);
    expect(by('new')).toEqual(['check:health']);
    expect(by('improved')).toEqual(['check:restart']);
    expect(by('resolved')).toEqual(['check:gone', 'classification:signature:old']);
    expect(d.unchanged).toBe(1);
    expect(d.verdictChange).toBe('same');
  });

  it('compares signatures per hour of window', () => {
    const d = diffReports(before, after);
    expect(d.signatures.map((s) => [s.name, s.deltaPerHour])).toEqual([
      ['slow', 5],
      ['fresh', 3],
      ['crash', 0],
    ]);
  });

  it('a report against itself changes nothing', () => {
    fc.assert(
      fc.property(reportArb, (r) => {
        const d = diffReports(r, r);
        expect(d.findings).toEqual([]);
        expect(d.verdictChange).toBe('same');
        expect(d.signatures.every((s) => s.deltaPerHour === 0)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('renders Markdown whose structure hostile report strings cannot break', () => {
    fc.assert(
      fc.property(reportArb, reportArb, (a, b) => {
        expect(markdownProblems(renderDiffMarkdown(diffReports(a, b)))).toEqual([]);
      }),
      { numRuns: 100 },
    );
    expect(renderDiffMarkdown(diffReports(before, after))).toContain('### Regressed findings (2)');
  });
});

describe('trendOf', () => {
  it('orders by start time whatever the input order, and labels only as much as needed', () => {
    const reports = [
      report('1.5.0', 2, { checks: [check('a', 'fail')], signatures: [sig('crash', 4)] }),
      report('1.4.0', 1, { checks: [check('a', 'pass')], signatures: [sig('crash', 1, 120)] }),
      report('1.5.0', 3, { lane: 'staging-chaos', runId: 'chaos', checks: [check('b', 'pass')] }),
    ];
    const t = trendOf(reports);
    expect(trendOf([...reports].reverse())).toEqual(t);
    expect(t.points.map((p) => p.label)).toEqual(['1.4.0', '1.5.0 (prod-observe)', '1.5.0 (staging-chaos)']);
    expect(t.points.map((p) => p.verdict)).toEqual(['pass', 'fail', 'pass']);
    expect(t.points[0].perHour.crash).toBe(0.5);
    const chart = trendChart(t);
    expect(chart).toContain('x-axis ["1.4.0", "1.5.0 (prod-observe)", "1.5.0 (staging-chaos)"]');
    expect(chart).toContain('bar [0.5, 4, 0]');
    expect(chart).toContain('line [0, 1, 0]');
  });

  it('chart labels cannot break out of the Mermaid block', () => {
    expect(chartLabel('1.0"] \n```\n<script>')).toBe('"1.0__ ______script_"');
    fc.assert(
      fc.property(fc.array(reportArb, { maxLength: 4 }), (rs) => {
        const md = renderTrendMarkdown(trendOf(rs));
        expect(markdownProblems(md)).toEqual([]);
        const chart = /```mermaid\n([\s\S]*?)\n```/.exec(md);
        if (rs.length) expect(chart?.[1].split('\n')).toHaveLength(6);
      }),
      { numRuns: 100 },
    );
  });
});
