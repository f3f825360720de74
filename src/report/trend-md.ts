/**
 * Markdown of a trend: a table of verdicts and counts per release and a Mermaid `xychart-beta` chart, which GitHub
 * renders in issues, PRs and step summaries. Chart labels are reduced to characters Mermaid reads literally.
 */
import type { Trend } from '../core/trend.js';
import { mdCell } from './escape.js';
import { STATUS_ICON, formatNumber } from './format.js';

/** Most releases shown (the newest); older ones are summarised in one line. */
export const TREND_POINTS_MAX = 30;

/** A label Mermaid shows as written: no quotes, brackets, newlines or other syntax; capped. */
export function chartLabel(s: string): string {
  const clean = s.replace(/[^\w .:+@()/-]/g, '_').slice(0, 40);
  return `"${clean || '_'}"`;
}

/** The Mermaid chart: signature matches per hour (bars) and failed checks (line) per release. */
export function trendChart(trend: Trend): string {
  const pts = trend.points.slice(-TREND_POINTS_MAX);
  const rates = pts.map((p) => Math.round(Object.values(p.perHour).reduce((a, b) => a + b, 0) * 100) / 100);
  const fails = pts.map((p) => p.checks.fail);
  const top = Math.max(1, ...rates, ...fails);
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Signature matches per hour (bars) and failed checks (line)"',
    `  x-axis [${pts.map((p) => chartLabel(p.label)).join(', ')}]`,
    `  y-axis "count" 0 --> ${Math.ceil(top * 1.1)}`,
    `  bar [${rates.map((n) => formatNumber(n)).join(', ')}]`,
    `  line [${fails.join(', ')}]`,
    '```',
  ].join('\n');
}

/** The trend as a Markdown section (heading level `level`). */
export function renderTrendMarkdown(trend: Trend, opts: { level?: number } = {}): string {
  const h = '#'.repeat(opts.level ?? 2);
  if (!trend.points.length) return `${h} Release trend\n\nNo reports found.\n`;
  const pts = trend.points.slice(-TREND_POINTS_MAX);
  const sigs = trend.signatures.slice(0, 5);
  const lines = [`${h} Release trend (${trend.points.length} report${trend.points.length === 1 ? '' : 's'})`, ''];
  if (trend.points.length > pts.length) lines.push(`The ${trend.points.length - pts.length} oldest are left out.`, '');
  lines.push(trendChart(trend), '');
  lines.push(
    `| release | lane | started | verdict | checks fail / warn / pass / skip | matches${sigs.map((s) => ` | ${mdCell(s, 40)} /h`).join('')} |`,
    `| --- | --- | --- | --- | --- | ---:${sigs.map(() => ' | ---:').join('')} |`,
  );
  for (const p of pts) {
    const c = p.checks;
    const rates = sigs.map((s) => ` | ${formatNumber(p.perHour[s] ?? 0)}`).join('');
    lines.push(
      `| ${mdCell(p.label, 60)} | ${p.lane} | ${mdCell(p.startedAt, 30)} | ${STATUS_ICON[p.verdict]} ${p.verdict} | ${c.fail} / ${c.warn} / ${c.pass} / ${c.skip} | ${p.signatureMatches}${rates} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
