/**
 * Normalization: the same report always serializes to the same bytes. Keys follow the contract's order
 * (metadata keys sorted, recursively); checks sort fail > warn > pass > skip then id; signatures by name
 * then source; classifications by severity, then status (regressed > new > known > resolved), then id.
 * Arrays whose order carries meaning (evidence, repro steps, links) keep it.
 */
import type { Check, Classification, HuntReportV1, Signature } from './report-types.js';

export const ROOT_KEYS = [
  'version',
  'release',
  'runId',
  'lane',
  'startedAt',
  'endedAt',
  'checks',
  'signatures',
  'classification',
  'upstreamLinks',
  'metadata',
] as const;
export const CHECK_KEYS = ['id', 'title', 'status', 'summary', 'startedAt', 'endedAt', 'durationMs', 'command', 'evidence', 'artifacts', 'metadata'] as const;
export const SIGNATURE_KEYS = ['name', 'source', 'countWindow', 'countTotal', 'windowMinutes', 'baselineWindowCount', 'delta', 'issueUrl'] as const;
export const CLASSIFICATION_KEYS = [
  'id',
  'category',
  'severity',
  'status',
  'summary',
  'reproSteps',
  'expected',
  'actual',
  'affectedVersions',
  'suggestedFix',
  'issueUrl',
  'prUrl',
] as const;

export const CHECK_STATUS_RANK: Record<Check['status'], number> = { fail: 0, warn: 1, pass: 2, skip: 3 };
const SEVERITY_RANK: Record<Classification['severity'], number> = { p0: 0, p1: 1, p2: 2 };
const CLASSIFICATION_STATUS_RANK: Record<Classification['status'], number> = { regressed: 0, new: 1, known: 2, resolved: 3 };

/** Plain code-unit comparison: locale-independent, so every machine sorts alike. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sets an own enumerable property, even one named "__proto__" (JSON allows it; plain assignment would not create it). */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Deep copy of a JSON value with every object's keys sorted (arrays keep their order). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src).sort(compareStrings)) if (src[k] !== undefined) setKey(out, k, sortKeysDeep(src[k]));
    return out;
  }
  return value;
}

/** Copies `obj` with `order` keys first (in that order), then any other keys sorted; undefined values dropped. */
function ordered<T extends object>(obj: T, order: readonly string[], deep: readonly string[] = []): T {
  const src = obj as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const rest = Object.keys(src)
    .filter((k) => !order.includes(k))
    .sort(compareStrings);
  for (const k of [...order, ...rest]) {
    if (src[k] === undefined) continue;
    setKey(out, k, deep.includes(k) || rest.includes(k) ? sortKeysDeep(src[k]) : Array.isArray(src[k]) ? [...(src[k] as unknown[])] : src[k]);
  }
  return out as T;
}

/** Ties on every meaningful field (duplicates): compare the canonical JSON, so input order never shows. */
function lastResort(a: object, b: object): number {
  return compareStrings(JSON.stringify(sortKeysDeep(a)), JSON.stringify(sortKeysDeep(b)));
}

/** Checks: fail > warn > pass > skip, then id, then start time and title as tie-breakers. */
export function compareChecks(a: Check, b: Check): number {
  return (
    CHECK_STATUS_RANK[a.status] - CHECK_STATUS_RANK[b.status] ||
    compareStrings(a.id, b.id) ||
    compareStrings(a.startedAt, b.startedAt) ||
    compareStrings(a.title, b.title) ||
    lastResort(a, b)
  );
}

function compareSignatures(a: Signature, b: Signature): number {
  return compareStrings(a.name, b.name) || compareStrings(a.source, b.source) || lastResort(a, b);
}

function compareClassifications(a: Classification, b: Classification): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    CLASSIFICATION_STATUS_RANK[a.status] - CLASSIFICATION_STATUS_RANK[b.status] ||
    compareStrings(a.id, b.id) ||
    compareStrings(a.summary, b.summary) ||
    lastResort(a, b)
  );
}

/** metadata.gate reads best verdict-first: status, blockingSeverity, reasons ({id, rule, detail}). */
function orderGate(metadata: Record<string, unknown> | undefined): void {
  const gate = metadata?.gate;
  if (!gate || typeof gate !== 'object' || Array.isArray(gate)) return;
  const g = ordered(gate as Record<string, unknown>, ['status', 'blockingSeverity', 'reasons']);
  if (Array.isArray(g.reasons))
    g.reasons = g.reasons.map((r) => (r && typeof r === 'object' ? ordered(r as Record<string, unknown>, ['id', 'rule', 'detail']) : r));
  setKey(metadata, 'gate', g);
}

/** Returns the normalized copy of a report (input untouched); idempotent. */
export function normalizeReport(report: HuntReportV1): HuntReportV1 {
  const out = ordered(report, ROOT_KEYS, ['metadata']);
  orderGate(out.metadata);
  out.checks = [...report.checks].sort(compareChecks).map((c) => ordered(c, CHECK_KEYS, ['metadata']));
  out.signatures = [...report.signatures].sort(compareSignatures).map((s) => ordered(s, SIGNATURE_KEYS));
  out.classification = [...report.classification].sort(compareClassifications).map((c) => ordered(c, CLASSIFICATION_KEYS));
  return out;
}

/** The normalized report as file bytes: 2-space JSON with a trailing newline. */
export function serializeReport(report: HuntReportV1): string {
  return `${JSON.stringify(normalizeReport(report), null, 2)}\n`;
}
