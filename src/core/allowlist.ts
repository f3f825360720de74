/**
 * The known-issue allowlist (known-issues.json), applied to a report. Pure: data in, data out.
 *
 * Only open findings can be matched: a signature seen in the window (countWindow > 0), a check that is
 * warn or fail, a classification that is not resolved. What a match does (docs/allowlist.md):
 * - classification `new` -> `known`, issueUrl = the entry's; `regressed` stays regressed (the allowlist
 *   acknowledges an issue, not it getting worse) but carries the link; `known` stays known.
 * - signature: issueUrl = the entry's.
 * - check warn/fail: check.metadata.allowlisted = {entryId, issueUrl, reason}; a failed check so marked
 *   makes the verdict warn instead of fail, never pass.
 * A classification derived from a signature or check (id `signature:<name>` / `check:<id>`, or id equal
 * to a signature name or a check id in the report) is also matched by that signature/check entry; the gate's
 * `ops_failed_checks` classification is known once every failed check it lists is allowlisted.
 * An entry whose pattern matches everything (`*`) is marked `catchAll`: the verdict warns about it by name.
 * Expired entries match nothing and are listed with what they would have matched; entries that matched
 * no open finding are listed as stale. The first (file order) unexpired entry matching a finding applies;
 * later ones record it as `shadowed`.
 */
import type { Check, Classification, HuntReportV1, Signature } from './report-types.js';
import { matchesGlob } from './glob.js';
import { OPS_CLASSIFICATION_ID } from './classify.js';

export { matchesGlob };

export interface AllowlistMatch {
  signature?: string;
  check?: string;
  classification?: string;
}

export interface AllowlistEntry {
  id: string;
  match: AllowlistMatch;
  issueUrl: string;
  reason: string;
  owner?: string;
  /** YYYY-MM-DD (stops matching at 00:00 UTC that day) or an RFC 3339 date-time. */
  expires?: string;
}

export interface AllowlistFile {
  $schema?: string;
  entries: AllowlistEntry[];
  /** Where it was loaded from (set by the loader, not part of the file format). */
  file?: string;
}

export type FindingKind = 'signature' | 'check' | 'classification';
export type AllowlistEffect = 'now-known' | 'already-known' | 'still-regressed' | 'issue-linked' | 'check-allowlisted' | 'shadowed' | 'expired';

export interface AllowlistFindingRef {
  kind: FindingKind;
  id: string;
  effect: AllowlistEffect;
  /** For `shadowed`: the entry that applied instead. */
  by?: string;
}

export interface AllowlistEntryStatus {
  id: string;
  issueUrl: string;
  reason: string;
  owner?: string;
  expires?: string;
  /** A pattern of this entry matches every id (e.g. `*`): it can silence any finding, so the verdict warns. */
  catchAll?: true;
  findings: AllowlistFindingRef[];
}

/** Written to report.metadata.allowlist. */
export interface AllowlistStatus {
  file?: string;
  entries: number;
  matched: AllowlistEntryStatus[];
  expired: AllowlistEntryStatus[];
  stale: AllowlistEntryStatus[];
}

/** Id of a classification derived from a signature or a check, the convention the allowlist follows. */
export function derivedClassificationId(kind: 'signature' | 'check', name: string): string {
  return `${kind}:${name}`;
}

/** Epoch ms at which an entry stops matching (NaN when `expires` is unparseable: treated as expired). */
export function expiryMs(expires: string): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expires);
  if (day) return Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
  return Date.parse(expires);
}

/** Whether an entry is expired at `nowMs` (an unparseable date counts as expired: fail closed). */
export function isExpired(entry: AllowlistEntry, nowMs: number): boolean {
  if (entry.expires === undefined) return false;
  const at = expiryMs(entry.expires);
  return Number.isNaN(at) || nowMs >= at;
}

interface Finding {
  kind: FindingKind;
  id: string;
  /** Applies the entry to the finding and says what it did. */
  apply(entry: AllowlistEntry): AllowlistEffect;
  matches(entry: AllowlistEntry): boolean;
}

function glob(pattern: string | undefined, value: string): boolean {
  return pattern !== undefined && matchesGlob(pattern, value);
}

function signatureFinding(s: Signature): Finding {
  return {
    kind: 'signature',
    id: s.name,
    matches: (e) => glob(e.match.signature, s.name),
    apply(e) {
      s.issueUrl = e.issueUrl;
      return 'issue-linked';
    },
  };
}

function checkFinding(c: Check): Finding {
  return {
    kind: 'check',
    id: c.id,
    matches: (e) => glob(e.match.check, c.id),
    apply(e) {
      c.metadata = { ...(c.metadata ?? {}), allowlisted: { entryId: e.id, issueUrl: e.issueUrl, reason: e.reason } };
      return 'check-allowlisted';
    },
  };
}

/** Whether a glob matches every non-empty id (`*`, `**`, `?*`, `*?*`): such an entry allowlists anything. */
export function isCatchAllPattern(pattern: string): boolean {
  return /^\*+$/.test(pattern) || /^\**\?\**$/.test(pattern);
}

/** Whether any pattern of an entry is a catch-all. */
export function isCatchAllEntry(e: AllowlistEntry): boolean {
  return [e.match.signature, e.match.check, e.match.classification].some((p) => p !== undefined && isCatchAllPattern(p));
}

function classificationFinding(c: Classification, signatureNames: Set<string>, checkIds: Set<string>): Finding {
  const sig = c.id.startsWith('signature:') ? c.id.slice('signature:'.length) : signatureNames.has(c.id) ? c.id : undefined;
  const chk = c.id.startsWith('check:') ? c.id.slice('check:'.length) : checkIds.has(c.id) ? c.id : undefined;
  return {
    kind: 'classification',
    id: c.id,
    matches: (e) =>
      glob(e.match.classification, c.id) || (sig !== undefined && glob(e.match.signature, sig)) || (chk !== undefined && glob(e.match.check, chk)),
    apply(e) {
      c.issueUrl = e.issueUrl;
      if (c.status === 'new') {
        c.status = 'known';
        return 'now-known';
      }
      return c.status === 'regressed' ? 'still-regressed' : 'already-known';
    },
  };
}

function entryStatus(e: AllowlistEntry, findings: AllowlistFindingRef[]): AllowlistEntryStatus {
  const out: AllowlistEntryStatus = { id: e.id, issueUrl: e.issueUrl, reason: e.reason, findings };
  if (e.owner !== undefined) out.owner = e.owner;
  if (e.expires !== undefined) out.expires = e.expires;
  if (isCatchAllEntry(e)) out.catchAll = true;
  return out;
}

/** Removes marks an earlier allowlist left on checks, so the current allowlist alone decides. */
function clearCheckMarks(report: HuntReportV1): void {
  for (const c of report.checks) {
    if (c.metadata && 'allowlisted' in c.metadata) {
      const { allowlisted: _old, ...rest } = c.metadata;
      if (Object.keys(rest).length) c.metadata = rest;
      else delete c.metadata;
    }
  }
}

/**
 * The gate's `ops_failed_checks` classification is derived from every failed non-chaos check; once each of
 * them is allowlisted it is known too (one entry per check suffices, as for any other derived classification).
 */
function coverOpsClassification(report: HuntReportV1, status: AllowlistStatus): void {
  const ops = report.classification.find((c) => c.id === OPS_CLASSIFICATION_ID && c.status === 'new');
  if (!ops) return;
  const failed = report.checks.filter((c) => c.status === 'fail' && !c.id.startsWith('chaos_'));
  const marks = failed.map((c) => (c.metadata?.allowlisted as { entryId?: string; issueUrl?: string } | undefined) ?? undefined);
  if (!failed.length || marks.some((m) => !m?.entryId || !m.issueUrl)) return;
  ops.status = 'known';
  ops.issueUrl = marks[0]!.issueUrl;
  const first = status.matched.find((e) => e.id === marks[0]!.entryId);
  first?.findings.push({ kind: 'classification', id: ops.id, effect: 'now-known' });
}

/** Applies the allowlist at `nowMs`; returns a new report (input untouched) and the status it wrote to metadata.allowlist. */
export function applyAllowlist(report: HuntReportV1, allowlist: AllowlistFile, nowMs: number): { report: HuntReportV1; status: AllowlistStatus } {
  const out = structuredClone(report);
  clearCheckMarks(out);
  const signatureNames = new Set(out.signatures.map((s) => s.name));
  const checkIds = new Set(out.checks.map((c) => c.id));
  const findings: Finding[] = [
    ...out.signatures.filter((s) => s.countWindow > 0).map(signatureFinding),
    ...out.checks.filter((c) => c.status === 'warn' || c.status === 'fail').map(checkFinding),
    ...out.classification.filter((c) => c.status !== 'resolved').map((c) => classificationFinding(c, signatureNames, checkIds)),
  ];
  const appliedBy = new Map<Finding, string>();
  const status: AllowlistStatus = { entries: allowlist.entries.length, matched: [], expired: [], stale: [] };
  if (allowlist.file !== undefined) status.file = allowlist.file;
  for (const entry of allowlist.entries) {
    const hits = findings.filter((f) => f.matches(entry));
    if (isExpired(entry, nowMs)) {
      status.expired.push(
        entryStatus(
          entry,
          hits.map((f) => ({ kind: f.kind, id: f.id, effect: 'expired' as const })),
        ),
      );
      continue;
    }
    if (!hits.length) {
      status.stale.push(entryStatus(entry, []));
      continue;
    }
    const refs = hits.map((f): AllowlistFindingRef => {
      const prior = appliedBy.get(f);
      if (prior !== undefined) return { kind: f.kind, id: f.id, effect: 'shadowed', by: prior };
      appliedBy.set(f, entry.id);
      return { kind: f.kind, id: f.id, effect: f.apply(entry) };
    });
    status.matched.push(entryStatus(entry, refs));
  }
  coverOpsClassification(out, status);
  out.metadata = { ...(out.metadata ?? {}), allowlist: status };
  return { report: out, status };
}
