/**
 * The data a Markdown template sees. Strings stay raw here: templates escape them with the helpers of
 * markdown.ts (cell, text, code, fence, html, link), which is the only place that knows the Markdown rules.
 * Documented for custom templates in docs/render-report.md.
 */
import type { AllowlistEntryStatus, AllowlistStatus } from '../core/allowlist.js';
import { checkAllowlistMark, ruleEffect } from '../core/verdict.js';
import type { Check, CheckStatus, Classification, GateReason, GateVerdict, HuntReportV1 } from '../core/report-types.js';
import { sortKeysDeep } from '../core/normalize.js';
import { clipMiddle } from './escape.js';
import { STATUS_ICON, countPhrase, formatDelta, formatDuration, formatNumber, spanMs } from './format.js';

/** Longest evidence item kept in the Markdown (head and tail are kept); the JSON report has it all. */
export const EVIDENCE_MAX = 8000;
/** Longest command line and metadata block kept in the Markdown (head and tail). */
export const COMMAND_MAX = 4000;
export const METADATA_MAX = 20_000;

export interface CheckView {
  id: string;
  title: string;
  status: CheckStatus;
  icon: string;
  summary: string;
  duration: string;
  /** Allowlist entry that matched this check, if any. */
  known?: { entryId: string; issueUrl: string; reason: string };
  command?: string;
  evidence: string[];
  artifacts: string[];
  hasDetails: boolean;
}

export interface ReportView {
  report: HuntReportV1;
  gate: GateVerdict;
  gateIcon: string;
  gateLabel: string;
  span: string;
  duration: string;
  summaryRows: Array<{ label: string; value: string }>;
  reasons: Array<GateReason & { icon: string; effect: string }>;
  checks: CheckView[];
  checksWithDetails: CheckView[];
  signatures: Array<{
    name: string;
    source: string;
    window: string;
    countWindow: string;
    countTotal: string;
    baseline: string;
    delta: string;
    issueUrl?: string;
  }>;
  classifications: Array<Classification & { index: number; links: boolean; hasDetails: boolean }>;
  allowlist?: {
    file?: string;
    entries: number;
    matched: AllowlistEntryView[];
    expired: AllowlistEntryView[];
    stale: AllowlistEntryView[];
    any: boolean;
  };
  upstreamLinks: string[];
  /** metadata without gate and allowlist (rendered in their own sections), as sorted JSON; '' when empty. */
  metadataJson: string;
}

export interface AllowlistEntryView extends AllowlistEntryStatus {
  /** The findings as one line: "check api_health (check-allowlisted), signature x (issue-linked)". */
  findingsText: string;
}

function entryView(e: AllowlistEntryStatus): AllowlistEntryView {
  const text = e.findings.map((f) => `${f.kind} ${f.id} (${f.effect}${f.by ? ` by ${f.by}` : ''})`).join(', ');
  return { ...e, findingsText: text || '—' };
}

function checkView(c: Check): CheckView {
  const evidence = (c.evidence ?? []).map((e) => clipMiddle(e, EVIDENCE_MAX));
  const artifacts = c.artifacts ?? [];
  return {
    id: c.id,
    title: c.title,
    status: c.status,
    icon: STATUS_ICON[c.status],
    summary: c.summary,
    duration: formatDuration(c.durationMs),
    known: checkAllowlistMark(c),
    command: c.command === undefined ? undefined : clipMiddle(c.command, COMMAND_MAX),
    evidence,
    artifacts,
    hasDetails: evidence.length > 0 || artifacts.length > 0 || c.command !== undefined,
  };
}

function count<T, K extends string>(items: T[], key: (t: T) => K, keys: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const i of items) out[key(i)]++;
  return out;
}

function summaryRows(r: HuntReportV1, gate: GateVerdict, duration: string, allowlist?: AllowlistStatus): Array<{ label: string; value: string }> {
  const checks = count(r.checks, (c) => c.status, ['fail', 'warn', 'pass', 'skip'] as const);
  const cls = count(r.classification, (c) => c.status, ['regressed', 'new', 'known', 'resolved'] as const);
  const seen = r.signatures.filter((s) => s.countWindow > 0).length;
  const rows = [
    { label: 'Verdict', value: `${STATUS_ICON[gate.status]} ${gate.status} (blocking severity ${gate.blockingSeverity} and above)` },
    { label: 'Release', value: r.release },
    { label: 'Lane', value: r.lane },
    { label: 'Run id', value: r.runId },
    { label: 'Started', value: r.startedAt },
    { label: 'Ended', value: r.endedAt },
    { label: 'Duration', value: duration },
    { label: 'Checks', value: `${r.checks.length}: ${countPhrase(checks, ['fail', 'warn', 'pass', 'skip'] as const)}` },
    { label: 'Signatures', value: `${r.signatures.length}, ${seen} seen in the window` },
    { label: 'Classifications', value: `${r.classification.length}: ${countPhrase(cls, ['regressed', 'new', 'known', 'resolved'] as const)}` },
  ];
  if (allowlist) {
    rows.push({
      label: 'Allowlist',
      value: `${allowlist.matched.length} matched, ${allowlist.expired.length} expired, ${allowlist.stale.length} stale (of ${allowlist.entries})`,
    });
  }
  return rows;
}

function readAllowlist(md: Record<string, unknown>): AllowlistStatus | undefined {
  const a = md.allowlist as AllowlistStatus | undefined;
  return a && Array.isArray(a.matched) && Array.isArray(a.expired) && Array.isArray(a.stale) ? a : undefined;
}

/** Builds the template view of a normalized report and its verdict. */
export function buildView(report: HuntReportV1, gate: GateVerdict): ReportView {
  const ms = spanMs(report.startedAt, report.endedAt);
  const duration = ms === undefined ? 'n/a' : formatDuration(ms);
  const md = report.metadata ?? {};
  const allowlist = readAllowlist(md);
  const { gate: _g, allowlist: _a, ...rest } = md;
  const checks = report.checks.map(checkView);
  return {
    report,
    gate,
    gateIcon: STATUS_ICON[gate.status],
    gateLabel: gate.status.toUpperCase(),
    span: `${report.startedAt} → ${report.endedAt}`,
    duration,
    summaryRows: summaryRows(report, gate, duration, allowlist),
    checks,
    checksWithDetails: checks.filter((c) => c.hasDetails),
    signatures: report.signatures.map((s) => ({
      name: s.name,
      source: s.source,
      window: `${formatNumber(s.windowMinutes)} min`,
      countWindow: formatNumber(s.countWindow),
      countTotal: formatNumber(s.countTotal),
      baseline: formatNumber(s.baselineWindowCount),
      delta: formatDelta(s.delta),
      issueUrl: s.issueUrl,
    })),
    classifications: report.classification.map((c, i) => {
      const links = Boolean(c.issueUrl || c.prUrl);
      const hasDetails = links || Boolean(c.expected || c.actual || c.suggestedFix || c.affectedVersions?.length || c.reproSteps?.length);
      return { ...c, index: i + 1, links, hasDetails };
    }),
    reasons: gate.reasons.map((r) => ({ ...r, effect: ruleEffect(r.rule), icon: STATUS_ICON[ruleEffect(r.rule)] })),
    allowlist: allowlist && {
      file: allowlist.file,
      entries: allowlist.entries,
      matched: allowlist.matched.map(entryView),
      expired: allowlist.expired.map(entryView),
      stale: allowlist.stale.map(entryView),
      any: allowlist.matched.length + allowlist.expired.length + allowlist.stale.length > 0,
    },
    upstreamLinks: report.upstreamLinks,
    metadataJson: Object.keys(rest).length ? clipMiddle(JSON.stringify(sortKeysDeep(rest), null, 2), METADATA_MAX) : '',
  };
}
