/**
 * The render step shared by render-report, staging-chaos and release-gate: allowlist -> verdict into
 * metadata.gate -> normalize -> re-validate -> Markdown (+ JUnit) -> atomic writes -> step summary.
 * Everything is rendered before anything is written, so a template error leaves no half set of outputs.
 */
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { appendLineDurable, writeFileAtomic } from '../runtime/fs.js';
import { applyAllowlist, type AllowlistFile } from '../core/allowlist.js';
import { normalizeReport, serializeReport } from '../core/normalize.js';
import type { GateVerdict, HuntReportV1, Severity } from '../core/report-types.js';
import { computeVerdict, recordedInternalErrors, verdictExitCode } from '../core/verdict.js';
import { COMPACT_TEMPLATE, loadTemplates, MAIN_TEMPLATE, renderMarkdown } from './markdown.js';
import { githubAnnotations } from './annotations.js';
import { fitComment } from './comment.js';
import { renderJunit } from './junit.js';
import { validateReport } from './validate.js';
import { buildView } from './view-model.js';

export interface RenderPipelineOptions {
  jsonOut: string;
  mdOut: string;
  junitOut?: string;
  /** A directory overriding templates/report.md.hbs and/or templates/partials/*.hbs. */
  templateDir?: string;
  allowlist?: AllowlistFile | null;
  /** Default: the input's metadata.gate.blockingSeverity, else p0 (a re-render never loosens the gate silently). */
  blockingSeverity?: Severity;
  failOn?: 'fail' | 'warn';
  /** "Now" for allowlist expiry (default: the wall clock). */
  nowMs?: number;
  /** The GITHUB_STEP_SUMMARY path: the Markdown is appended there when set. */
  stepSummary?: string | undefined;
  /** Internal errors of the calling run: each makes the verdict fail and is persisted in metadata.internalErrors. */
  internalErrors?: string[];
  /** A section appended to the Markdown report, built from the final report (e.g. the release trend of --history). */
  appendix?: (report: HuntReportV1, verdict: GateVerdict) => string;
  /** Also write the Markdown for a PR comment here: kept under GitHub's comment size limit (comment.ts). */
  commentOut?: string;
  /** GitHub Actions annotations for the verdict's reasons on stderr (default: when GITHUB_ACTIONS is `true`). */
  annotations?: boolean;
}

export interface RenderPipelineResult {
  report: HuntReportV1;
  verdict: GateVerdict;
  exitCode: number;
  paths: { json: string; md: string; junit?: string; comment?: string };
  /** Non-fatal problems (e.g. the step summary could not be appended). */
  warnings: string[];
}

/** GitHub caps a step summary at 1 MiB; above this the compact summary is appended instead. */
export const STEP_SUMMARY_MAX_BYTES = 900 * 1024;

function priorBlockingSeverity(report: HuntReportV1): Severity | undefined {
  const s = (report.metadata?.gate as { blockingSeverity?: unknown } | undefined)?.blockingSeverity;
  return s === 'p0' || s === 'p1' || s === 'p2' ? s : undefined;
}

function assertDistinct(paths: Array<[string, string | undefined]>): void {
  const seen = new Map<string, string>();
  for (const [flag, p] of paths) {
    if (p === undefined) continue;
    const abs = path.resolve(p);
    const other = seen.get(abs);
    if (other) throw new UsageError(`${flag} and ${other} name the same file ${abs}`, { hint: 'give every output its own path' });
    seen.set(abs, flag);
  }
}

/** An output that cannot be written is a bad path (exit 2 naming the flag), not an internal error. */
async function writeOutput(flag: string, file: string, data: string): Promise<void> {
  try {
    await writeFileAtomic(file, data);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EACCES' || e.code === 'EPERM'
        ? 'permission denied'
        : e.code === 'EISDIR'
          ? 'is a directory'
          : e.code === 'ENOTDIR' || e.code === 'EEXIST'
            ? 'a parent is not a directory'
            : e.message;
    throw new InputError(`${flag}: cannot write ${file}: ${why}`, { hint: 'choose a writable output path' });
  }
}

/** Applies the allowlist, computes the verdict, normalizes, renders and writes the report files. */
export async function renderPipeline(input: HuntReportV1, opts: RenderPipelineOptions): Promise<RenderPipelineResult> {
  assertDistinct([
    ['--json-out', opts.jsonOut],
    ['--md-out', opts.mdOut],
    ['--junit-out', opts.junitOut],
    ['--comment-out', opts.commentOut],
  ]);
  const checked = validateReport(input);
  if (!checked.ok) {
    // A producer inside hunt built an invalid report: a bug, so exit 1 (never a pass), not a user error.
    throw new Error(`the report to render is not a valid HuntReportV1: ${checked.errors.slice(0, 5).join('; ')}`);
  }
  const blockingSeverity = opts.blockingSeverity ?? priorBlockingSeverity(input) ?? 'p0';
  let report = opts.allowlist ? applyAllowlist(input, opts.allowlist, opts.nowMs ?? Date.now()).report : structuredClone(input);
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
  const markdown = opts.appendix ? `${body.trimEnd()}\n\n${opts.appendix(report, verdict).trimEnd()}\n` : body;
  const junit = opts.junitOut !== undefined ? renderJunit(report, verdict) : undefined;
  let stepMarkdown: string | undefined;
  if (opts.stepSummary) {
    stepMarkdown = Buffer.byteLength(markdown) <= STEP_SUMMARY_MAX_BYTES ? markdown : renderMarkdown(view, templates, COMPACT_TEMPLATE);
  }

  await writeOutput('--json-out', opts.jsonOut, serializeReport(report));
  await writeOutput('--md-out', opts.mdOut, markdown);
  if (opts.junitOut !== undefined && junit !== undefined) await writeOutput('--junit-out', opts.junitOut, junit);
  if (opts.commentOut !== undefined)
    await writeOutput(
      '--comment-out',
      opts.commentOut,
      fitComment(markdown, () => renderMarkdown(view, templates, COMPACT_TEMPLATE)),
    );
  const warnings: string[] = [];
  if (opts.stepSummary && stepMarkdown !== undefined) {
    try {
      await appendLineDurable(opts.stepSummary, `${stepMarkdown}\n`);
    } catch (err) {
      warnings.push(`GITHUB_STEP_SUMMARY ${opts.stepSummary}: could not append the summary (${(err as Error).message})`);
    }
  }
  if (opts.annotations ?? process.env.GITHUB_ACTIONS === 'true') {
    const where = opts.stepSummary ? `the step summary and ${opts.mdOut}` : opts.mdOut;
    for (const line of githubAnnotations(report, verdict, where)) process.stderr.write(`${line}\n`);
  }
  return {
    report,
    verdict,
    exitCode: verdictExitCode(verdict, opts.failOn ?? 'fail'),
    paths: {
      json: opts.jsonOut,
      md: opts.mdOut,
      ...(opts.junitOut !== undefined ? { junit: opts.junitOut } : {}),
      ...(opts.commentOut !== undefined ? { comment: opts.commentOut } : {}),
    },
    warnings,
  };
}
