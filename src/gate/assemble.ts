/**
 * Assembles the gate's report input (HuntReportV1, lane from --lane) from the steps' checks, the final
 * snapshot's signature counts, the baseline and the chaos lane's findings. Pure: the report step reads
 * the artifacts and hands them in; the allowlist and the verdict are applied afterwards by the render
 * pipeline, exactly as `hunt render-report` would.
 */
import { isExpired, matchesGlob, type AllowlistFile } from '../core/allowlist.js';
import { baselineIndex, signatureDeltas, toReportSignature, type RegressionThreshold } from '../core/baseline.js';
import { classify, type AllowMatch, type SignatureProfile } from '../core/classify.js';
import type { Check, Classification, HuntReportV1 } from '../core/report-types.js';
import type { RuntimeSnapshot } from '../probes/snapshot-types.js';
import { PHASES, type Invocation } from './journal.js';
import { PHASE_TITLES } from './resume.js';
import { worstStatus } from './runner.js';
import type { GateOptions, StepDef } from './types.js';

export interface AssembleInput {
  opts: GateOptions;
  steps: Pick<StepDef, 'id' | 'phase'>[];
  stepChecks: Map<string, Check[]>;
  final: RuntimeSnapshot | null;
  chaosClassification: Classification[];
  profile: SignatureProfile[];
  threshold: RegressionThreshold;
  allowlist: AllowlistFile | null;
  baseline: HuntReportV1 | null;
  nowMs: number;
  internalErrors: string[];
  target: { name: string; port: number; home: string };
  /** The run's window (used when the final snapshot is missing). */
  windowMinutes?: number;
  /** Every invocation that worked on the gate (the run, each resume) and what its reclaim ended. */
  invocations?: Invocation[];
}

/** The first unexpired allowlist entry (file order) that covers a signature name, as classify needs it. */
export function allowlistMatcher(allowlist: AllowlistFile | null, nowMs: number): (name: string) => AllowMatch | undefined {
  const entries = (allowlist?.entries ?? []).filter((e) => !isExpired(e, nowMs));
  return (name) => {
    const e = entries.find(
      (x) =>
        (x.match.signature !== undefined && matchesGlob(x.match.signature, name)) ||
        (x.match.classification !== undefined && (matchesGlob(x.match.classification, name) || matchesGlob(x.match.classification, `signature:${name}`))),
    );
    return e ? { entryId: e.id, issueUrl: e.issueUrl } : undefined;
  };
}

/** Builds the report input (no verdict yet). */
export function assembleReport(input: AssembleInput): HuntReportV1 {
  const { opts, final } = input;
  const checks = input.steps.flatMap((s) => input.stepChecks.get(s.id) ?? []);
  const windowMinutes = final?.window.minutes ?? input.windowMinutes ?? 0;
  // A window count that could not be computed is kept out of signatures[] (the report contract wants an integer,
  // and a 0 would read as "not seen", even "resolved" against a baseline); the T4 check warns window-unverifiable.
  const unknownWindow = (final?.signatures ?? []).filter((s) => s.countWindow === null).map((s) => ({ name: s.name, source: s.source }));
  const current = (final?.signatures ?? []).flatMap((s) =>
    s.countWindow === null ? [] : [{ name: s.name, source: s.source, countWindow: s.countWindow, countTotal: s.countTotal, windowMinutes }],
  );
  const deltas = signatureDeltas(current, input.baseline ? baselineIndex(input.baseline) : null, input.threshold);
  const profileByName = new Map(input.profile.map((p) => [p.name, p]));
  const evidence = Object.fromEntries((final?.signatures ?? []).map((s) => [s.name, { firstSeen: s.firstSeen, lastSeen: s.lastSeen, samples: s.samples }]));
  const post = input.stepChecks.get('t1_post')?.[0]?.metadata?.version as string | undefined;
  const pre = input.stepChecks.get('t0_preflight')?.[0]?.metadata?.version as string | undefined;
  const classification = classify({
    deltas,
    profile: input.profile,
    allowlisted: allowlistMatcher(input.allowlist, input.nowMs),
    threshold: input.threshold,
    evidence,
    checks,
    chaos: input.chaosClassification,
    affectedVersion: post ?? pre ?? opts.release,
  });
  const links = new Set<string>();
  for (const c of classification) if (c.issueUrl && c.status !== 'resolved') links.add(c.issueUrl);
  const phases = PHASES.map((phase) => {
    const ids = input.steps.filter((s) => s.phase === phase).map((s) => s.id);
    const own = ids.flatMap((id) => input.stepChecks.get(id) ?? []);
    return { phase, title: PHASE_TITLES[phase], status: worstStatus(own), steps: ids, checks: own.map((c) => c.id) };
  });
  const metadata: Record<string, unknown> = {
    tool: 'hunt release-gate',
    phases,
    target: { ...input.target, demo: opts.demo, versionBefore: pre ?? null, versionAfter: post ?? null },
    baseline: input.baseline ? { file: opts.baselineFile, release: input.baseline.release, runId: input.baseline.runId, regression: input.threshold } : null,
    run: {
      outDir: opts.outDir,
      journal: 'journal.ndjson',
      windowMinutes,
      skipped: { update: opts.skipUpdate, tests: opts.skipTests, chaos: opts.skipChaos },
      observeSeconds: opts.observeSeconds,
      expectVersion: opts.expectVersion,
      // a resumed gate says so in the report (not only on stderr), and so does every reclaim of killed chaos lanes
      resumedAt: (input.invocations ?? []).filter((i) => i.kind === 'resume').map((i) => i.at),
      invocations: input.invocations ?? [],
      reclaimed: (input.invocations ?? []).flatMap((i) => i.reclaimed.map((r) => ({ ...r, by: i.kind, at: i.at }))),
    },
  };
  if (input.internalErrors.length) metadata.internalErrors = [...input.internalErrors];
  if (unknownWindow.length) metadata.signaturesWindowUnknown = unknownWindow;
  return {
    version: '1',
    release: opts.release,
    runId: opts.runId,
    lane: opts.lane,
    startedAt: opts.startedAt,
    endedAt: new Date(input.nowMs).toISOString(),
    checks,
    signatures: deltas.map((d) => toReportSignature(d, profileByName.get(d.name)?.issueUrl)),
    classification,
    upstreamLinks: [...links].sort(),
    metadata,
  };
}
