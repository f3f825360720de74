/**
 * Classification of a release gate's findings. Pure.
 *
 * Signatures (counts already compared with the baseline, see baseline.ts):
 * - seen in the window, not tracked (no allowlist entry, no issue link): `new`;
 * - tracked (allowlisted, or the profile gives an issue link) and seen: `known`, unless the count rose beyond
 *   the regression threshold against the baseline: `regressed`;
 * - zero in the window with a non-zero baseline: `resolved` (never warns). Untracked ones too: a signature
 *   that was new last release and is gone now is good news worth a line;
 * - zero now and zero/absent in the baseline: nothing to say, no classification.
 * Severity: the signature's profile severity, else p0 for kind crash/config, p1 otherwise.
 * Failed checks outside the chaos lane (only strict checks can fail; warn-policy ones warn) become ONE `ops`
 * classification listing them. Chaos classifications carry through unchanged.
 */
import type { Category, Check, Classification, Severity } from './report-types.js';
import type { RegressionThreshold, SignatureDelta } from './baseline.js';

/** The profile's view of one signature (hunt.config.json `signatures[]`). */
export interface SignatureProfile {
  name: string;
  kind: 'crash' | 'config' | 'error' | 'warning';
  severity?: Severity;
  category?: Category;
  issueUrl?: string;
}

/** What an allowlist entry says about a signature it matched. */
export interface AllowMatch {
  entryId: string;
  issueUrl: string;
}

/** Extra facts for the summary of a seen signature (from the runtime snapshot). */
export interface SignatureEvidence {
  firstSeen?: string | null;
  lastSeen?: string | null;
  samples?: string[];
}

export interface ClassifyInput {
  deltas: SignatureDelta[];
  profile: SignatureProfile[];
  /** Whether an (unexpired) allowlist entry covers this signature name. */
  allowlisted: (name: string) => AllowMatch | undefined;
  threshold: RegressionThreshold;
  evidence?: Record<string, SignatureEvidence>;
  checks: Check[];
  chaos?: Classification[];
  /** The version (or release label) under test, for affectedVersions. */
  affectedVersion?: string;
}

/** Id of the single classification that lists failed strict checks. */
export const OPS_CLASSIFICATION_ID = 'ops_failed_checks';

/** Severity of a signature: the profile's, else p0 for crash/config kinds, p1 otherwise. */
export function signatureSeverity(p: Pick<SignatureProfile, 'kind' | 'severity'> | undefined): Severity {
  if (p?.severity) return p.severity;
  return p?.kind === 'crash' || p?.kind === 'config' ? 'p0' : 'p1';
}

function pct(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'new vs a zero baseline';
  return `${n >= 0 ? '+' : ''}${Math.round(n * 100)}%`;
}

function countText(d: SignatureDelta): string {
  return `${d.countWindow} in the last ${d.windowMinutes} min (source ${d.source})`;
}

function baselineText(d: SignatureDelta): string {
  if (!d.inBaseline || !d.baselineRaw) return 'not in the baseline';
  const raw = d.baselineRaw;
  const scaled = raw.windowMinutes === d.windowMinutes ? '' : `, ${d.baselineScaled} per ${d.windowMinutes} min`;
  return `baseline ${raw.countWindow} in ${raw.windowMinutes} min${scaled}`;
}

function seenClassification(d: SignatureDelta, p: SignatureProfile | undefined, input: ClassifyInput): Classification {
  const allow = input.allowlisted(d.name);
  const issueUrl = allow?.issueUrl || p?.issueUrl;
  const ev = input.evidence?.[d.name];
  const seen = ev?.firstSeen ? `; first ${ev.firstSeen}, last ${ev.lastSeen ?? ev.firstSeen}` : '';
  const sample = ev?.samples?.length ? `; sample: ${ev.samples[0]}` : '';
  const t = input.threshold;
  const base: Classification = {
    id: d.name,
    category: p?.category ?? 'core',
    severity: signatureSeverity(p),
    status: 'new',
    summary: '',
    expected: d.inBaseline ? `no rise beyond +${t.absolute} and ${pct(t.relative)} over the baseline` : `no ${d.name} lines in the window`,
    actual: `${countText(d)}, ${baselineText(d)}${seen}${sample}`,
    reproSteps: [
      `hunt collect --label repro --window-minutes ${d.windowMinutes} --output repro.json, then read signature ${d.name} (source ${d.source}): count, first/last seen, samples`,
    ],
  };
  if (input.affectedVersion) base.affectedVersions = [input.affectedVersion];
  if (issueUrl) base.issueUrl = issueUrl;
  if (!issueUrl) {
    base.summary = `${d.name}: ${countText(d)}; not allowlisted and no issue link`;
    base.suggestedFix = 'investigate the sample lines; if it is a known issue, file it and add a known-issues.json entry with its issueUrl';
    return base;
  }
  const tracked = allow ? `allowlisted by ${allow.entryId}` : 'issue link in the profile';
  if (d.regressed) {
    base.status = 'regressed';
    base.summary = `${d.name}: ${countText(d)} vs ${baselineText(d)}: ${d.delta !== undefined && d.delta >= 0 ? '+' : ''}${d.delta} (${pct(d.relative)}), above the threshold (+${t.absolute} and ${pct(t.relative)}); ${tracked}`;
    base.suggestedFix = 'the known issue got worse in this release: look at the changes since the baseline release';
    return base;
  }
  base.status = 'known';
  base.summary = `${d.name}: ${countText(d)}, ${baselineText(d)}; ${tracked}`;
  return base;
}

function resolvedClassification(d: SignatureDelta, p: SignatureProfile | undefined, input: ClassifyInput): Classification {
  const allow = input.allowlisted(d.name);
  const issueUrl = allow?.issueUrl || p?.issueUrl;
  const out: Classification = {
    id: d.name,
    category: p?.category ?? 'core',
    severity: signatureSeverity(p),
    status: 'resolved',
    summary: `${d.name}: 0 in the last ${d.windowMinutes} min, ${baselineText(d)}`,
    actual: `0 in the last ${d.windowMinutes} min`,
    suggestedFix: allow ? `if it stays at zero, close the issue and remove allowlist entry ${allow.entryId}` : undefined,
  };
  if (!out.suggestedFix) delete out.suggestedFix;
  if (issueUrl) out.issueUrl = issueUrl;
  return out;
}

/** The one `ops` classification for failed checks outside the chaos lane, or undefined when none failed. */
export function opsClassification(checks: Check[]): Classification | undefined {
  const failed = checks.filter((c) => c.status === 'fail' && !c.id.startsWith('chaos_')).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!failed.length) return undefined;
  return {
    id: OPS_CLASSIFICATION_ID,
    category: 'ops',
    severity: 'p0',
    status: 'new',
    summary: `${failed.length} strict check(s) failed: ${failed.map((c) => c.id).join(', ')}`,
    expected: 'every strict check passes',
    actual: failed.map((c) => `${c.id}: ${c.summary.replace(/\s+/g, ' ').trim()}`).join('; '),
    reproSteps: failed.map((c) => (c.command ? `${c.id}: ${c.command}` : `${c.id}: see checks/${c.id}.json and .log`)),
    suggestedFix: 'follow runbooks/incident-playbooks.md "a failed strict check"',
  };
}

function byId(a: Classification, b: Classification): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Classifies signatures, failed checks and chaos findings; sorted by id for deterministic reports. */
export function classify(input: ClassifyInput): Classification[] {
  const profiles = new Map(input.profile.map((p) => [p.name, p]));
  const out: Classification[] = [];
  for (const d of input.deltas) {
    const p = profiles.get(d.name);
    if (d.countWindow > 0) out.push(seenClassification(d, p, input));
    else if (d.inBaseline && (d.baselineRaw?.countWindow ?? 0) > 0) out.push(resolvedClassification(d, p, input));
  }
  const ops = opsClassification(input.checks);
  if (ops) out.push(ops);
  const ids = new Set(out.map((c) => c.id));
  for (const c of input.chaos ?? []) {
    // A chaos finding never silently replaces a signature finding of the same id: keep both, suffix the chaos one.
    out.push(ids.has(c.id) ? { ...c, id: `chaos:${c.id}` } : c);
    ids.add(c.id);
  }
  return out.sort(byId);
}
