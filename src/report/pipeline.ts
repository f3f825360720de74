/**
 * The render step shared by render-report, staging-chaos and release-gate: allowlist -> verdict into
 * metadata.gate -> normalize -> re-validate -> Markdown (+ JUnit) -> atomic writes -> step summary.
 * Everything is rendered before anything is written, and the files are published as one set (fs.writeFileSet):
 * a template error, a full disk or a kill never leaves a new verdict beside an old one.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { appendLineDurable, SetWriteError, writeFileSet, type SetMember } from '../runtime/fs.js';
import type { AllowlistFile } from '../core/allowlist.js';
import { serializeReport } from '../core/normalize.js';
import type { GateVerdict, HuntReportV1, Severity } from '../core/report-types.js';
import { verdictExitCode } from '../core/verdict.js';
import { capMarkdown } from './cap.js';
import { githubAnnotations } from './annotations.js';
import { fitComment } from './comment.js';
import { renderCore } from './render-core.js';
import { validateReport } from './validate.js';

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
  /** A file holding just the verdict word (the gate's gate-status.txt), published with the set. */
  statusOut?: string;
  /** Files this run reads ([flag, path]): an output naming one of them is refused instead of overwriting it. */
  inputs?: Array<[string, string | undefined]>;
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

/** The real path of `p` when it exists (so a symlink or `a/../b` naming an input is caught), else its absolute path. */
function identity(p: string): string {
  const abs = path.resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

function assertDistinct(outputs: Array<[string, string | undefined]>, inputs: Array<[string, string | undefined]>): void {
  const read = new Map<string, string>();
  for (const [flag, p] of inputs) if (p !== undefined) read.set(identity(p), flag);
  const seen = new Map<string, string>();
  for (const [flag, p] of outputs) {
    if (p === undefined) continue;
    const abs = identity(p);
    const input = read.get(abs);
    if (input) throw new UsageError(`${flag} names the file ${input} reads (${abs}): it would be overwritten`, { hint: 'write the outputs to other paths' });
    const other = seen.get(abs);
    if (other) throw new UsageError(`${flag} and ${other} name the same file ${abs}`, { hint: 'give every output its own path' });
    seen.set(abs, flag);
  }
}

/** An output that cannot be written is a bad path (exit 2 naming the flag); a full disk is an internal error (exit 1). */
async function writeOutputs(members: SetMember[]): Promise<void> {
  try {
    await writeFileSet(members);
  } catch (err) {
    if (!(err instanceof SetWriteError)) throw err;
    const e = err.reason;
    const why =
      e.code === 'EACCES' || e.code === 'EPERM'
        ? 'permission denied'
        : e.code === 'EISDIR'
          ? 'is a directory'
          : e.code === 'ENOTDIR' || e.code === 'EEXIST'
            ? 'a parent is not a directory'
            : e.code === 'ELOOP'
              ? 'a symbolic link is in the way'
              : undefined;
    if (why === undefined) throw new Error(`${err.member.label}: cannot write ${err.member.file}: ${e.message}; no report file of this run was published`);
    throw new InputError(`${err.member.label}: cannot write ${err.member.file}: ${why}`, { hint: 'choose a writable output path' });
  }
}

/** Applies the allowlist, computes the verdict, normalizes, renders and writes the report files. */
export async function renderPipeline(input: HuntReportV1, opts: RenderPipelineOptions): Promise<RenderPipelineResult> {
  assertDistinct(
    [
      ['--json-out', opts.jsonOut],
      ['--md-out', opts.mdOut],
      ['--junit-out', opts.junitOut],
      ['--comment-out', opts.commentOut],
    ],
    opts.inputs ?? [],
  );
  const checked = validateReport(input);
  if (!checked.ok) {
    // A producer inside hunt built an invalid report: a bug, so exit 1 (never a pass), not a user error.
    throw new Error(`the report to render is not a valid HuntReportV1: ${checked.errors.slice(0, 5).join('; ')}`);
  }
  const { report, verdict, markdown, junit, compact } = await renderCore(input, opts);
  let stepMarkdown: string | undefined;
  if (opts.stepSummary) {
    stepMarkdown = Buffer.byteLength(markdown) <= STEP_SUMMARY_MAX_BYTES ? markdown : capMarkdown(compact(), STEP_SUMMARY_MAX_BYTES);
  }

  const members: SetMember[] = [
    { label: '--json-out', file: opts.jsonOut, data: serializeReport(report) },
    { label: '--md-out', file: opts.mdOut, data: markdown },
  ];
  if (opts.junitOut !== undefined) members.push({ label: '--junit-out', file: opts.junitOut, data: junit });
  if (opts.commentOut !== undefined) {
    members.push({ label: '--comment-out', file: opts.commentOut, data: fitComment(markdown, compact) });
  }
  if (opts.statusOut !== undefined) members.push({ label: 'status', file: opts.statusOut, data: `${verdict.status}\n` });
  await writeOutputs(members);
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
