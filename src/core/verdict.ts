/**
 * The gate verdict: a pure function of a report. Fail closed (an internal error is never a pass) and
 * always explain itself with one machine-readable reason per cause.
 */
import type { Check, Classification, GateReason, GateStatus, GateVerdict, HuntReportV1, Severity } from './report-types.js';

/** Severity rank: lower is more severe (p0 blocks first). */
export const SEVERITY_RANK: Record<Severity, number> = { p0: 0, p1: 1, p2: 2 };

/**
 * Every rule a reason can carry, in the order reasons are listed (causes of `fail` first).
 * `nothing-verified` is a guard beyond the design's rules: a report without a single pass/warn/fail
 * check proves nothing, so it warns instead of passing green.
 */
export const RULES = [
  'internal-error',
  'check-fail',
  'classification-blocking',
  'check-fail-known',
  'allowlist-catch-all',
  'check-warn',
  'classification-regressed',
  'classification-new',
  'classification-known',
  'nothing-verified',
  'all-clear',
] as const;
export type GateRule = (typeof RULES)[number];

const RULE_EFFECT: Record<GateRule, GateStatus> = {
  'internal-error': 'fail',
  'check-fail': 'fail',
  'classification-blocking': 'fail',
  'check-fail-known': 'warn',
  'allowlist-catch-all': 'warn',
  'check-warn': 'warn',
  'classification-regressed': 'warn',
  'classification-new': 'warn',
  'classification-known': 'warn',
  'nothing-verified': 'warn',
  'all-clear': 'pass',
};

/** The verdict a rule leads to on its own (unknown rules count as fail: fail closed). */
export function ruleEffect(rule: string): GateStatus {
  return (RULE_EFFECT as Record<string, GateStatus>)[rule] ?? 'fail';
}

/** What the allowlist wrote on a check it matched (see src/core/allowlist.ts). */
export interface CheckAllowlistMark {
  entryId: string;
  issueUrl: string;
  reason: string;
}

/**
 * The allowlist mark of a check, when it carries a well-formed one: an entry id and an http(s) issue URL.
 * A mark without its issue is no acknowledgement (a check cannot excuse itself): the check counts in full.
 */
export function checkAllowlistMark(check: Check): CheckAllowlistMark | undefined {
  const mark = check.metadata?.allowlisted as Partial<CheckAllowlistMark> | undefined;
  if (!mark || typeof mark !== 'object' || typeof mark.entryId !== 'string' || mark.entryId === '') return undefined;
  if (typeof mark.issueUrl !== 'string' || !/^https?:\/\/\S+$/i.test(mark.issueUrl)) return undefined;
  return { entryId: mark.entryId, issueUrl: mark.issueUrl, reason: String(mark.reason ?? '') };
}

/** Internal errors recorded in a report by an earlier step: metadata.internalErrors and earlier internal-error reasons. */
export function recordedInternalErrors(report: HuntReportV1): string[] {
  const md = report.metadata ?? {};
  const out: string[] = [];
  if (Array.isArray(md.internalErrors)) for (const e of md.internalErrors) if (typeof e === 'string') out.push(e);
  const gate = md.gate as { reasons?: unknown } | undefined;
  if (gate && Array.isArray(gate.reasons)) {
    for (const r of gate.reasons as Array<Partial<GateReason>>) {
      if (r && r.rule === 'internal-error' && typeof r.detail === 'string') out.push(r.detail);
    }
  }
  return [...new Set(out)];
}

/** Longest text of a check or classification quoted in a reason (the report has the whole field). */
export const REASON_TEXT_MAX = 500;

/** One line, at most REASON_TEXT_MAX characters (never splitting a surrogate pair): a reason is read at a glance. */
function oneLine(s: string): string {
  const head = s.length > REASON_TEXT_MAX * 4 ? s.slice(0, REASON_TEXT_MAX * 4) : s;
  const line = head.replace(/\s+/g, ' ').trim();
  if (line.length <= REASON_TEXT_MAX && head.length === s.length) return line;
  let cut = Math.min(line.length, REASON_TEXT_MAX - 1);
  if (/[\ud800-\udbff]/.test(line[cut - 1] ?? '')) cut--;
  return `${line.slice(0, cut)}…`;
}

function checkDetail(c: Check): string {
  const summary = oneLine(c.summary);
  return summary ? `${oneLine(c.title)}: ${summary}` : oneLine(c.title);
}

function classificationReason(c: Classification, blocking: Severity): GateReason | undefined {
  const open = c.status === 'new' || c.status === 'regressed';
  const head = `${c.severity} ${c.category} ${c.status}: ${oneLine(c.summary)}`;
  if (open && SEVERITY_RANK[c.severity] <= SEVERITY_RANK[blocking]) {
    return { id: c.id, rule: 'classification-blocking', detail: `${head} (blocking at ${blocking} and above)` };
  }
  if (c.status === 'resolved') return undefined;
  const link = c.issueUrl ? ` (${c.issueUrl})` : '';
  return { id: c.id, rule: `classification-${c.status}`, detail: `${head}${link}` };
}

function checkReason(c: Check): GateReason | undefined {
  if (c.status === 'fail') {
    const mark = checkAllowlistMark(c);
    if (mark) {
      return { id: c.id, rule: 'check-fail-known', detail: `${checkDetail(c)} (allowlisted by ${mark.entryId}: ${mark.issueUrl})` };
    }
    return { id: c.id, rule: 'check-fail', detail: checkDetail(c) };
  }
  if (c.status === 'warn') return { id: c.id, rule: 'check-warn', detail: checkDetail(c) };
  return undefined;
}

/** A catch-all allowlist entry that matched something silences findings wholesale: said by name, never quietly. */
function catchAllReasons(report: HuntReportV1): GateReason[] {
  const matched = (report.metadata?.allowlist as { matched?: unknown } | undefined)?.matched;
  if (!Array.isArray(matched)) return [];
  return (matched as Array<{ id?: unknown; catchAll?: unknown; findings?: unknown }>)
    .filter((e) => e && e.catchAll === true && typeof e.id === 'string')
    .map((e) => ({
      id: String(e.id),
      rule: 'allowlist-catch-all',
      detail: `allowlist entry ${String(e.id)} matches everything and covered ${Array.isArray(e.findings) ? e.findings.length : 0} finding(s): scope it to the findings of its issue`,
    }));
}

function compareReasons(a: GateReason, b: GateReason): number {
  const ra = RULES.indexOf(a.rule as GateRule);
  const rb = RULES.indexOf(b.rule as GateRule);
  if (ra !== rb) return ra - rb;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0;
}

function allClearDetail(report: HuntReportV1): string {
  const n = (s: Check['status']) => report.checks.filter((c) => c.status === s).length;
  const resolved = report.classification.filter((c) => c.status === 'resolved').length;
  const parts = [`${n('pass')} check(s) passed`];
  if (n('skip')) parts.push(`${n('skip')} skipped`);
  if (resolved) parts.push(`${resolved} classification(s) resolved`);
  return `${parts.join(', ')}; no open finding`;
}

/**
 * Computes the gate verdict of a report. `fail`: an internal error, a failed check (not allowlisted), or a
 * classification at/above the blocking severity that is new or regressed. `warn`: any other open finding.
 * `pass`: nothing open. Reasons are sorted by rule (fail causes first), then id.
 */
export function computeVerdict(report: HuntReportV1, opts: { blockingSeverity?: Severity; internalErrors?: string[] } = {}): GateVerdict {
  const blockingSeverity = opts.blockingSeverity ?? 'p0';
  const reasons: GateReason[] = [];
  const internal = [...new Set([...recordedInternalErrors(report), ...(opts.internalErrors ?? [])])];
  for (const e of internal) reasons.push({ id: 'internal', rule: 'internal-error', detail: oneLine(e) || 'unknown internal error' });
  for (const c of report.checks) {
    const r = checkReason(c);
    if (r) reasons.push(r);
  }
  for (const c of report.classification) {
    const r = classificationReason(c, blockingSeverity);
    if (r) reasons.push(r);
  }
  for (const r of catchAllReasons(report)) reasons.push(r);
  if (!report.checks.some((c) => c.status !== 'skip')) {
    const detail = report.checks.length ? `all ${report.checks.length} check(s) were skipped` : 'the report has no checks';
    reasons.push({ id: 'checks', rule: 'nothing-verified', detail: `${detail}: nothing was verified` });
  }
  reasons.sort(compareReasons);
  let status: GateStatus = 'pass';
  for (const r of reasons) {
    const effect = ruleEffect(r.rule);
    if (effect === 'fail') status = 'fail';
    else if (effect === 'warn' && status === 'pass') status = 'warn';
  }
  if (status === 'pass') reasons.push({ id: 'gate', rule: 'all-clear', detail: allClearDetail(report) });
  return { status, reasons, blockingSeverity };
}

/** The exit code of a verdict whose run hit an internal error (EXIT.internal; core stays free of the CLI's imports). */
export const INTERNAL_ERROR_EXIT = 70;

/**
 * Exit code of a verdict: fail -> 1; warn -> 1 only with --fail-on warn; pass -> 0. Given the whole verdict, an
 * internal-error reason is 70 instead: the report says fail, and CI can still tell "hunt broke" from "the release is bad".
 */
export function verdictExitCode(verdict: GateStatus | GateVerdict, failOn: 'fail' | 'warn' = 'fail'): number {
  const status = typeof verdict === 'string' ? verdict : verdict.status;
  if (typeof verdict !== 'string' && verdict.reasons.some((r) => r.rule === 'internal-error')) return INTERNAL_ERROR_EXIT;
  if (status === 'fail') return 1;
  if (status === 'warn' && failOn === 'warn') return 1;
  return 0;
}
