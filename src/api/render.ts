/**
 * In-memory rendering for the programmatic API: the same steps as `hunt render-report` (validate, allowlist,
 * verdict into metadata.gate, normalize, Markdown, JUnit) without touching the file system except to read the
 * templates. Invalid input throws with every violation listed.
 */
import type { AllowlistFile } from '../core/allowlist.js';
import type { GateVerdict, HuntReportV1, Severity } from '../core/report-types.js';
import { verdictExitCode } from '../core/verdict.js';
import { InputError } from '../errors.js';
import { allowlistViolations } from '../report/allowlist-file.js';
import { renderCore } from '../report/render-core.js';
import { validateReport } from '../report/validate.js';

export interface RenderOptions {
  /** A parsed known-issues.json; validated first. */
  allowlist?: AllowlistFile;
  /** Default: the input's metadata.gate.blockingSeverity, else p0. */
  blockingSeverity?: Severity;
  /** Which verdict makes `exitCode` 1 (default `fail`). */
  failOn?: 'fail' | 'warn';
  /** A directory overriding report.md.hbs and/or partials/*.hbs. */
  templateDir?: string;
  /** "Now" for allowlist expiry (default: the wall clock). */
  nowMs?: number;
}

export interface RenderedReport {
  /** The normalized report with metadata.gate (what `--json-out` holds). */
  report: HuntReportV1;
  verdict: GateVerdict;
  /** The exit code hunt would return for this verdict. */
  exitCode: number;
  markdown: string;
  junit: string;
}

/** Renders a HuntReportV1 (parsed JSON) with its verdict; throws InputError when the report or allowlist is invalid. */
export async function renderReport(input: unknown, opts: RenderOptions = {}): Promise<RenderedReport> {
  const checked = validateReport(input);
  if (!checked.ok) throw new InputError('not a valid HuntReportV1 report', { details: checked.errors });
  if (opts.allowlist) {
    const errors = allowlistViolations(opts.allowlist);
    if (errors.length) throw new InputError('not a valid known-issues allowlist', { details: errors });
  }
  // The same pure step as `hunt render-report` (report/render-core.ts): same caps, same bytes.
  const { report, verdict, markdown, junit } = await renderCore(checked.report, opts);
  return { report, verdict, exitCode: verdictExitCode(verdict, opts.failOn ?? 'fail'), markdown, junit };
}
