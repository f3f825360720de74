/**
 * The pure half of rendering, shared by the CLI's render pipeline (pipeline.ts, which adds the writes) and the
 * programmatic API (api/render.ts): allowlist -> internal errors -> verdict into metadata.gate -> normalize ->
 * re-validate -> Markdown (capped) and JUnit. One place, so both give the same bytes and the same caps.
 */
import { applyAllowlist, type AllowlistFile } from '../core/allowlist.js';
import { normalizeReport } from '../core/normalize.js';
import type { GateVerdict, HuntReportV1, Severity } from '../core/report-types.js';
import { computeVerdict, recordedInternalErrors } from '../core/verdict.js';
import { capMarkdown, MARKDOWN_MAX_BYTES } from './cap.js';
import { COMPACT_TEMPLATE, loadTemplates, MAIN_TEMPLATE, renderMarkdown } from './markdown.js';
import { renderJunit } from './junit.js';
import { validateReport } from './validate.js';
import { buildView } from './view-model.js';

export interface RenderCoreOptions {
  allowlist?: AllowlistFile | null;
  /** Default: the input's metadata.gate.blockingSeverity, else p0 (a re-render never loosens the gate silently). */
  blockingSeverity?: Severity;
  /** "Now" for allowlist expiry (default: the wall clock). */
  nowMs?: number;
  /** Internal errors of the calling run: each makes the verdict fail and is persisted in metadata.internalErrors. */
  internalErrors?: string[];
  /** A directory overriding report.md.hbs and/or partials/*.hbs. */
  templateDir?: string;
  /** A section appended to the Markdown, built from the final report (e.g. the release trend). */
  appendix?: (report: HuntReportV1, verdict: GateVerdict) => string;
}

export interface RenderedCore {
  /** The normalized report with metadata.gate. */
  report: HuntReportV1;
  verdict: GateVerdict;
  /** The full Markdown, capped at MARKDOWN_MAX_BYTES. */
  markdown: string;
  junit: string;
  /** The compact Markdown (step summaries and PR comments over their limits), rendered on demand. */
  compact: () => string;
}

function priorBlockingSeverity(report: HuntReportV1): Severity | undefined {
  const s = (report.metadata?.gate as { blockingSeverity?: unknown } | undefined)?.blockingSeverity;
  return s === 'p0' || s === 'p1' || s === 'p2' ? s : undefined;
}

/** Renders an already validated report; throws a plain Error (a bug) if the result is not a valid HuntReportV1. */
export async function renderCore(input: HuntReportV1, opts: RenderCoreOptions = {}): Promise<RenderedCore> {
  const blockingSeverity = opts.blockingSeverity ?? priorBlockingSeverity(input) ?? 'p0';
  let report = opts.allowlist ? applyAllowlist(input, opts.allowlist, opts.nowMs ?? Date.now()).report : structuredClone(input);
  // Internal errors recorded by the run that produced the report keep failing it (computeVerdict reads them).
  const internalErrors = [...new Set([...recordedInternalErrors(report), ...(opts.internalErrors ?? [])])];
  if (internalErrors.length) report.metadata = { ...(report.metadata ?? {}), internalErrors };
  const verdict = computeVerdict(report, { blockingSeverity });
  report.metadata = { ...(report.metadata ?? {}), gate: verdict };
  report = normalizeReport(report);
  const out = validateReport(report);
  if (!out.ok) throw new Error(`render produced an invalid HuntReportV1: ${out.errors.slice(0, 5).join('; ')}`);

  const templates = await loadTemplates(opts.templateDir);
  const view = buildView(report, verdict);
  const body = renderMarkdown(view, templates, MAIN_TEMPLATE);
  const final = report;
  return {
    report,
    verdict,
    markdown: capMarkdown(opts.appendix ? `${body.trimEnd()}\n\n${opts.appendix(final, verdict).trimEnd()}\n` : body, MARKDOWN_MAX_BYTES),
    junit: renderJunit(report, verdict),
    compact: () => renderMarkdown(view, templates, COMPACT_TEMPLATE),
  };
}
