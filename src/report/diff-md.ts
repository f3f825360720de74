/** Markdown of a release-over-release diff (GitHub-flavoured; every report string escaped). */
import type { FindingChange, FindingChangeKind, ReportDiff } from '../core/diff.js';
import { mdCell, mdCellCode, mdText } from './escape.js';
import { STATUS_ICON, formatDelta, formatNumber } from './format.js';

const HEADINGS: Record<FindingChangeKind, string> = {
  regressed: 'Regressed findings',
  new: 'New findings',
  improved: 'Improved findings',
  resolved: 'Resolved findings',
};

/** Most rows of one table; the JSON output (`--json`) has them all. */
export const DIFF_ROWS_MAX = 50;

function findingState(f: FindingChange['before']): string {
  if (!f) return '—';
  return mdCell(f.severity ? `${f.severity} ${f.status}` : f.status);
}

function findingTable(rows: FindingChange[]): string[] {
  const out = ['| kind | id | before | after | summary |', '| --- | --- | --- | --- | --- |'];
  for (const c of rows.slice(0, DIFF_ROWS_MAX)) {
    out.push(
      `| ${c.kind} | ${mdCellCode(c.id, 120)} | ${findingState(c.before)} | ${findingState(c.after)} | ${mdCell((c.after ?? c.before)!.summary, 200)} |`,
    );
  }
  if (rows.length > DIFF_ROWS_MAX) out.push('', mdText(`… and ${rows.length - DIFF_ROWS_MAX} more (see --json)`));
  return out;
}

/** Renders a diff as a Markdown document. */
export function renderDiffMarkdown(d: ReportDiff): string {
  const title = `## hunt diff: ${mdText(d.old.release)} → ${mdText(d.new.release)}`;
  const verdict = `**Verdict:** ${STATUS_ICON[d.old.verdict]} ${d.old.verdict} → ${STATUS_ICON[d.new.verdict]} ${d.new.verdict} (${d.verdictChange})`;
  const runs = `Runs: ${mdText(`${d.old.runId} (${d.old.lane}, ${d.old.startedAt})`)} → ${mdText(`${d.new.runId} (${d.new.lane}, ${d.new.startedAt})`)}`;
  const count = (k: FindingChangeKind) => d.findings.filter((f) => f.change === k).length;
  const lines = [
    title,
    '',
    verdict,
    '',
    runs,
    '',
    '| regressed | new | improved | resolved | unchanged |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${count('regressed')} | ${count('new')} | ${count('improved')} | ${count('resolved')} | ${d.unchanged} |`,
  ];
  for (const kind of ['regressed', 'new', 'improved', 'resolved'] as const) {
    const rows = d.findings.filter((f) => f.change === kind);
    if (rows.length) lines.push('', `### ${HEADINGS[kind]} (${rows.length})`, '', ...findingTable(rows));
  }
  const moved = d.signatures.filter((s) => s.deltaPerHour !== 0);
  lines.push('', `### Signatures (${moved.length} changed of ${d.signatures.length})`, '');
  if (!moved.length) lines.push('No signature rate changed.');
  else {
    lines.push('| signature | source | before (window) | after (window) | Δ per hour |', '| --- | --- | ---: | ---: | ---: |');
    const win = (s: { countWindow: number; windowMinutes: number } | null) =>
      s ? `${formatNumber(s.countWindow)} (${formatNumber(s.windowMinutes)} min)` : '—';
    for (const s of moved.slice(0, DIFF_ROWS_MAX)) {
      lines.push(`| ${mdCellCode(s.name, 80)} | ${mdCell(s.source, 80)} | ${win(s.before)} | ${win(s.after)} | ${formatDelta(s.deltaPerHour)} |`);
    }
    if (moved.length > DIFF_ROWS_MAX) lines.push('', mdText(`… and ${moved.length - DIFF_ROWS_MAX} more (see --json)`));
  }
  return `${lines.join('\n')}\n`;
}
