/**
 * Pure: a scenario's recorded findings -> its check and its classification. The status is derived
 * from the findings only (fail > warn > pass; skip when the scenario could not apply), so no path
 * through a scenario can produce a pass while a finding says otherwise.
 */
import type { Category, Check, CheckStatus, Classification, Severity } from '../core/report-types.js';
import type { ChaosConfig } from '../config/schema.js';
import { checkId, type Finding, type FindingKind, type ScenarioDef } from './types.js';

const P0_KINDS: ReadonlySet<FindingKind> = new Set(['crash', 'hang', 'sandbox-escape', 'leak', 'orphan']);
const OPS_KINDS: ReadonlySet<FindingKind> = new Set(['message', 'setup']);
const KIND_ORDER: FindingKind[] = ['sandbox-escape', 'crash', 'hang', 'orphan', 'leak', 'startup', 'behaviour', 'message', 'setup'];

/** Pure: the status findings imply. */
export function statusOf(findings: Finding[], skipped: string | null): CheckStatus {
  if (findings.some((f) => f.level === 'fail')) return 'fail';
  if (findings.some((f) => f.level === 'warn')) return 'warn';
  return skipped ? 'skip' : 'pass';
}

/** Pure: findings worst first (fail before warn, then by kind), stable. */
export function rankFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (a.f.level === b.f.level ? 0 : a.f.level === 'fail' ? -1 : 1) || KIND_ORDER.indexOf(a.f.kind) - KIND_ORDER.indexOf(b.f.kind) || a.i - b.i)
    .map((x) => x.f);
}

/**
 * Pure: severity of a scenario's classification. Failing crash/hang/sandbox-escape/leak/orphan findings are p0, other
 * failures p1 (a start-up failure too: the target refused to come up, it did not crash while serving); a
 * scenario that only warns is p2, so a warning never blocks a gate by severity alone.
 */
export function severityOf(ranked: Finding[]): Severity {
  const worst = ranked[0];
  if (!worst || worst.level === 'warn') return 'p2';
  return P0_KINDS.has(worst.kind) ? 'p0' : 'p1';
}

/** Pure: core when the target misbehaved, ops when only its messages or the lane's setup were at fault. */
export function categoryOf(ranked: Finding[]): Category {
  // ranked puts target misbehaviour before message/setup kinds at the same level: the worst decides
  return ranked[0] && OPS_KINDS.has(ranked[0].kind) ? 'ops' : 'core';
}

export interface CheckInput {
  def: ScenarioDef;
  findings: Finding[];
  skipped: string | null;
  notes: string[];
  evidence: string[];
  artifacts: string[];
  metadata: Record<string, unknown>;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  command: string;
}

/** Pure: the check of a scenario. */
export function buildCheck(i: CheckInput): Check {
  const ranked = rankFindings(i.findings);
  const status = statusOf(ranked, i.skipped);
  const summary =
    status === 'skip'
      ? `skipped: ${i.skipped}`
      : ranked.length
        ? `${ranked.length} finding${ranked.length > 1 ? 's' : ''}: ${ranked.map((f) => `[${f.kind}] ${f.detail}`).join('; ')}`
        : i.notes.length
          ? i.notes.join('; ')
          : 'as expected';
  return {
    id: checkId(i.def.name),
    title: `chaos: ${i.def.title}`,
    status,
    summary,
    startedAt: i.startedAt,
    endedAt: i.endedAt,
    durationMs: i.durationMs,
    command: i.command,
    evidence: [...ranked.map((f) => `${f.level.toUpperCase()} ${f.kind}: ${f.detail}`), ...i.evidence],
    artifacts: i.artifacts,
    metadata: { ...i.metadata, findings: ranked, ...(status === 'fail' || status === 'warn' ? { fix: i.def.suggestedFix } : {}) },
  };
}

/**
 * Pure: the classification of a failed or warned scenario (null for pass/skip). `laneEnv` is what the lane set
 * in the target's environment for this scenario: part of the repro (a variable can change the behaviour).
 */
export function classify(
  def: ScenarioDef,
  check: Check,
  findings: Finding[],
  cfg: ChaosConfig,
  reproCommand: string,
  laneEnv: string[] = [],
): Classification | null {
  if (check.status !== 'fail' && check.status !== 'warn') return null;
  const ranked = rankFindings(findings);
  return {
    id: check.id,
    category: categoryOf(ranked),
    severity: def.severity?.(ranked) ?? severityOf(ranked),
    status: 'new',
    summary: `${def.title}: ${ranked[0]?.detail ?? check.summary}`,
    reproSteps: [
      reproCommand,
      ...(laneEnv.length ? [`the lane set in the target's environment for this scenario: ${laneEnv.join('; ')}`] : []),
      `open ${check.id} in hunt-report.md: evidence lists exit codes, output tails and timings; the target's logs are in the artifacts`,
    ],
    expected: def.expected(cfg),
    actual: ranked.map((f) => `[${f.kind}] ${f.detail}`).join('; '),
    suggestedFix: def.suggestedFix,
  };
}
