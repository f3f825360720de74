/**
 * Release over release: what changed between two reports. Pure.
 *
 * A finding is what keeps a verdict from passing: a check that failed or warned, a classification that is new,
 * known or regressed (a resolved one is no finding). Findings are matched by kind and id; each is scored (a failed
 * check above an allowlisted failure above a warning; a classification by severity, then regressed > new > known)
 * so a finding present in both reports is `regressed` when its score rose and `improved` when it fell.
 * Signatures are compared per hour, so windows of different length compare like for like.
 */
import type { Check, Classification, GateStatus, HuntReportV1, Severity } from './report-types.js';
import { compareStrings } from './normalize.js';
import { checkAllowlistMark, computeVerdict } from './verdict.js';

export type FindingKind = 'check' | 'classification';
export type FindingChangeKind = 'new' | 'resolved' | 'regressed' | 'improved';

export interface Finding {
  kind: FindingKind;
  id: string;
  /** The check's or classification's status. */
  status: string;
  severity?: Severity;
  summary: string;
  /** Higher is worse. */
  score: number;
}

export interface FindingChange {
  kind: FindingKind;
  id: string;
  change: FindingChangeKind;
  before: Finding | null;
  after: Finding | null;
}

export interface SignatureChange {
  name: string;
  source: string;
  before: { countWindow: number; windowMinutes: number } | null;
  after: { countWindow: number; windowMinutes: number } | null;
  /** Matches per hour after minus before (a missing side counts 0). */
  deltaPerHour: number;
}

export interface ReportSide {
  release: string;
  runId: string;
  lane: string;
  startedAt: string;
  verdict: GateStatus;
}

export interface ReportDiff {
  old: ReportSide;
  new: ReportSide;
  verdictChange: 'better' | 'worse' | 'same';
  findings: FindingChange[];
  /** Findings present in both with the same score. */
  unchanged: number;
  signatures: SignatureChange[];
}

const VERDICT_RANK: Record<GateStatus, number> = { pass: 0, warn: 1, fail: 2 };
const SEVERITY_SCORE: Record<Severity, number> = { p0: 3, p1: 2, p2: 1 };
const CLASS_STATUS_SCORE: Record<string, number> = { regressed: 3, new: 2, known: 1 };
const CHANGE_ORDER: Record<FindingChangeKind, number> = { regressed: 0, new: 1, improved: 2, resolved: 3 };

/** The verdict a report records (metadata.gate), else the one computed from it. */
export function reportVerdict(r: HuntReportV1): GateStatus {
  const s = (r.metadata?.gate as { status?: unknown } | undefined)?.status;
  return s === 'pass' || s === 'warn' || s === 'fail' ? s : computeVerdict(r).status;
}

function checkFinding(c: Check): Finding | null {
  if (c.status !== 'fail' && c.status !== 'warn') return null;
  const score = c.status === 'warn' ? 1 : checkAllowlistMark(c) ? 2 : 3;
  return { kind: 'check', id: c.id, status: c.status, summary: c.summary, score };
}

function classFinding(c: Classification): Finding | null {
  const s = CLASS_STATUS_SCORE[c.status];
  if (s === undefined) return null;
  return { kind: 'classification', id: c.id, status: c.status, severity: c.severity, summary: c.summary, score: SEVERITY_SCORE[c.severity] * 10 + s };
}

function findings(r: HuntReportV1): Map<string, Finding> {
  const out = new Map<string, Finding>();
  for (const f of [...r.checks.map(checkFinding), ...r.classification.map(classFinding)]) {
    // A duplicate id within one report keeps its worst occurrence.
    if (f && (out.get(`${f.kind}\0${f.id}`)?.score ?? -1) < f.score) out.set(`${f.kind}\0${f.id}`, f);
  }
  return out;
}

function side(r: HuntReportV1): ReportSide {
  return { release: r.release, runId: r.runId, lane: r.lane, startedAt: r.startedAt, verdict: reportVerdict(r) };
}

function perHour(s: { countWindow: number; windowMinutes: number } | null): number {
  return s && s.windowMinutes > 0 ? (s.countWindow * 60) / s.windowMinutes : 0;
}

function signatureChanges(before: HuntReportV1, after: HuntReportV1): SignatureChange[] {
  const key = (s: { name: string; source: string }) => `${s.name}\0${s.source}`;
  const olds = new Map(before.signatures.map((s) => [key(s), s]));
  const news = new Map(after.signatures.map((s) => [key(s), s]));
  const out: SignatureChange[] = [];
  for (const k of [...new Set([...olds.keys(), ...news.keys()])]) {
    const o = olds.get(k);
    const n = news.get(k);
    const pick = (s: typeof o) => (s ? { countWindow: s.countWindow, windowMinutes: s.windowMinutes } : null);
    const change = { name: (o ?? n)!.name, source: (o ?? n)!.source, before: pick(o), after: pick(n), deltaPerHour: 0 };
    change.deltaPerHour = Math.round((perHour(change.after) - perHour(change.before)) * 100) / 100;
    out.push(change);
  }
  return out.sort((a, b) => Math.abs(b.deltaPerHour) - Math.abs(a.deltaPerHour) || compareStrings(a.name, b.name) || compareStrings(a.source, b.source));
}

/** Compares two reports: findings new / resolved / regressed / improved, signature deltas, the verdict's move. */
export function diffReports(before: HuntReportV1, after: HuntReportV1): ReportDiff {
  const olds = findings(before);
  const news = findings(after);
  const changes: FindingChange[] = [];
  let unchanged = 0;
  for (const k of [...new Set([...olds.keys(), ...news.keys()])]) {
    const o = olds.get(k) ?? null;
    const n = news.get(k) ?? null;
    const ref = (o ?? n)!;
    let change: FindingChangeKind | null;
    if (!o) change = 'new';
    else if (!n) change = 'resolved';
    else change = n.score > o.score ? 'regressed' : n.score < o.score ? 'improved' : null;
    if (change) changes.push({ kind: ref.kind, id: ref.id, change, before: o, after: n });
    else unchanged++;
  }
  changes.sort((a, b) => CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change] || compareStrings(a.kind, b.kind) || compareStrings(a.id, b.id));
  const o = side(before);
  const n = side(after);
  const move = VERDICT_RANK[n.verdict] - VERDICT_RANK[o.verdict];
  return {
    old: o,
    new: n,
    verdictChange: move > 0 ? 'worse' : move < 0 ? 'better' : 'same',
    findings: changes,
    unchanged,
    signatures: signatureChanges(before, after),
  };
}
