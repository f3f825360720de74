/**
 * One report for a release out of the reports of its lanes (prod-observe on the production host, staging-chaos on
 * a CI runner, possibly several shards of a lane). Pure and deterministic: inputs are sorted first, so the same
 * reports in any order give the same report.
 *
 * - Checks and classifications keep their ids unless another input has the same id; then both are namespaced as
 *   `<lane>/<id>` (`<lane>@<runId>/<id>` when a lane appears more than once). Signatures collide on name + source and
 *   are namespaced on their source, so allowlist entries matching signature names keep matching.
 * - The verdict of the merged report is never better than the worst lane: every reason of every lane stays a reason.
 *   A lane that verified nothing (its `nothing-verified` warn would vanish among the other lanes' checks) becomes a
 *   `warn` check of its own. Internal errors of every lane are carried, prefixed with the lane.
 */
import type { Check, Classification, GateStatus, HuntReportV1, Lane, Severity, Signature } from './report-types.js';
import { compareStrings } from './normalize.js';
import { computeVerdict, recordedInternalErrors, SEVERITY_RANK } from './verdict.js';

export interface MergeInput {
  /** Where the report came from, as it should appear in the merged report. */
  file: string;
  report: HuntReportV1;
}

export interface MergeOptions {
  allowMixedReleases?: boolean;
  /** The merged report's run id (default `<release>-merged`). */
  runId?: string;
  /** Rewrites a check's artifact path of `input` (e.g. relative to the merged report); identity by default. */
  rebaseArtifact?: (input: MergeInput, artifact: string) => string;
}

/** A lane as recorded in `metadata.merge.inputs`. */
export interface MergedLane {
  file: string;
  namespace: string;
  lane: Lane;
  release: string;
  runId: string;
  startedAt: string;
  endedAt: string;
  hostname: string | null;
  verdict: GateStatus;
  blockingSeverity: Severity;
  /** The ids of this lane's checks in the merged report. */
  checks: string[];
}

export type MergeResult =
  | { ok: true; report: HuntReportV1; blockingSeverity: Severity; lanes: MergedLane[] }
  | { ok: false; problem: 'mixed-releases' | 'duplicate-run' | 'no-input'; message: string; details: string[] };

const byInput = (a: MergeInput, b: MergeInput) =>
  compareStrings(a.report.lane, b.report.lane) ||
  compareStrings(a.report.runId, b.report.runId) ||
  compareStrings(a.report.release, b.report.release) ||
  compareStrings(a.report.startedAt, b.report.startedAt) ||
  compareStrings(a.file, b.file);

function laneSeverity(r: HuntReportV1): Severity {
  const s = (r.metadata?.gate as { blockingSeverity?: unknown } | undefined)?.blockingSeverity;
  return s === 'p0' || s === 'p1' || s === 'p2' ? s : 'p0';
}

function countKeys<T>(inputs: MergeInput[], items: (r: HuntReportV1) => T[], key: (x: T) => string): Map<string, number> {
  const n = new Map<string, number>();
  for (const i of inputs) for (const k of new Set(items(i.report).map(key))) n.set(k, (n.get(k) ?? 0) + 1);
  return n;
}

function refuse(inputs: MergeInput[], allowMixed: boolean): MergeResult | null {
  if (!inputs.length) return { ok: false, problem: 'no-input', message: 'no report to merge', details: [] };
  const runs = new Map<string, string>();
  for (const i of inputs) {
    const key = `${i.report.lane}\0${i.report.runId}`;
    const other = runs.get(key);
    if (other !== undefined) {
      return {
        ok: false,
        problem: 'duplicate-run',
        message: `the same run is given twice: ${other} and ${i.file}`,
        details: [`${i.report.lane} ${i.report.runId}`],
      };
    }
    runs.set(key, i.file);
  }
  const releases = [...new Set(inputs.map((i) => i.report.release))];
  if (releases.length > 1 && !allowMixed) {
    const details = inputs.map((i) => `${i.file}: release ${i.report.release} (${i.report.lane})`);
    return { ok: false, problem: 'mixed-releases', message: `the reports are of ${releases.length} different releases`, details };
  }
  return null;
}

/** Merges lane reports into one release report (see the module comment). */
export function mergeReports(given: MergeInput[], opts: MergeOptions = {}): MergeResult {
  const inputs = [...given].sort(byInput);
  const refused = refuse(inputs, Boolean(opts.allowMixedReleases));
  if (refused) return refused;
  const laneCount = countKeys(
    inputs,
    (r) => [r.lane],
    (l) => l,
  );
  const ns = (r: HuntReportV1) => ((laneCount.get(r.lane) ?? 0) > 1 ? `${r.lane}@${r.runId}` : r.lane);
  const checkIds = countKeys(
    inputs,
    (r) => r.checks,
    (c) => c.id,
  );
  const classIds = countKeys(
    inputs,
    (r) => r.classification,
    (c) => c.id,
  );
  const sigKeys = countKeys(
    inputs,
    (r) => r.signatures,
    (s) => `${s.name}\0${s.source}`,
  );
  const rebase = opts.rebaseArtifact ?? ((_i: MergeInput, a: string) => a);

  const checks: Check[] = [];
  const signatures: Signature[] = [];
  const classification: Classification[] = [];
  const internalErrors: string[] = [];
  const lanes: MergedLane[] = [];
  for (const input of inputs) {
    const r = input.report;
    const space = ns(r);
    const verdict = computeVerdict(r, { blockingSeverity: laneSeverity(r) });
    const own: Check[] = r.checks.map((c) => {
      const id = (checkIds.get(c.id) ?? 0) > 1 ? `${space}/${c.id}` : c.id;
      const moved: Check = { ...structuredClone(c), id };
      if (c.artifacts) moved.artifacts = c.artifacts.map((a) => rebase(input, a));
      return moved;
    });
    if (verdict.reasons.some((x) => x.rule === 'nothing-verified')) own.push(nothingVerified(r, space));
    checks.push(...own);
    for (const s of r.signatures) signatures.push((sigKeys.get(`${s.name}\0${s.source}`) ?? 0) > 1 ? { ...s, source: `${space}/${s.source}` } : { ...s });
    for (const c of r.classification)
      classification.push((classIds.get(c.id) ?? 0) > 1 ? { ...structuredClone(c), id: `${space}/${c.id}` } : structuredClone(c));
    for (const e of recordedInternalErrors(r)) internalErrors.push(`${space}: ${e}`);
    lanes.push({
      file: input.file,
      namespace: space,
      lane: r.lane,
      release: r.release,
      runId: r.runId,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      hostname: typeof r.metadata?.hostname === 'string' ? r.metadata.hostname : null,
      verdict: verdict.status,
      blockingSeverity: laneSeverity(r),
      checks: own.map((c) => c.id).sort(compareStrings),
    });
  }
  const releases = [...new Set(inputs.map((i) => i.report.release))].sort(compareStrings);
  const release = releases.join(' + ');
  const laneSet = [...laneCount.keys()];
  const report: HuntReportV1 = {
    version: '1',
    release,
    runId: opts.runId ?? `${releases.join('+')}-merged`,
    lane: laneSet.length === 1 ? inputs[0].report.lane : 'prod-observe',
    startedAt: earliest(
      inputs.map((i) => i.report.startedAt),
      Math.min,
    ),
    endedAt: earliest(
      inputs.map((i) => i.report.endedAt),
      Math.max,
    ),
    checks,
    signatures,
    classification,
    upstreamLinks: [...new Set(inputs.flatMap((i) => i.report.upstreamLinks))].sort(compareStrings),
    metadata: { tool: 'hunt merge', merge: { inputs: lanes, mixedReleases: releases.length > 1 } },
  };
  if (internalErrors.length) report.metadata!.internalErrors = internalErrors;
  const blockingSeverity = lanes.map((l) => l.blockingSeverity).reduce((a, b) => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a), 'p0' as Severity);
  return { ok: true, report, blockingSeverity, lanes };
}

/** The first (or last, with Math.max) of ISO date-times by time; ties and unparseable values by string. */
function earliest(values: string[], pick: (...n: number[]) => number): string {
  const sorted = [...values].sort(compareStrings);
  const times = sorted.map((v) => Date.parse(v)).filter(Number.isFinite);
  if (!times.length) return sorted[0];
  const target = pick(...times);
  return sorted.find((v) => Date.parse(v) === target) ?? sorted[0];
}

function nothingVerified(r: HuntReportV1, space: string): Check {
  const what = r.checks.length ? `all ${r.checks.length} check(s) of the lane were skipped` : 'the lane report has no checks';
  return {
    id: `${space}/nothing-verified`,
    title: `lane ${space} verified nothing`,
    status: 'warn',
    summary: `${what}: nothing was verified in ${r.lane} run ${r.runId}`,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: 0,
  };
}
