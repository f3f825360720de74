/** `hunt render-report`: read and validate --input, then the shared render pipeline. */
import path from 'node:path';
import { readJsonFile } from '../../runtime/fs.js';
import { loadAllowlist } from '../../report/allowlist-file.js';
import { renderPipeline } from '../../report/pipeline.js';
import { assertValidReport } from '../../report/validate.js';
import type { RunContext } from '../types.js';
import type { RenderReportOptions } from './spec.js';
import { printResult, printWarnings, verdictLines } from '../print.js';

/** Default output paths next to the input: report.json -> report.normalized.json + report.md. */
export function defaultOutputs(input: string): { json: string; md: string } {
  const dir = path.dirname(input);
  const stem = path.basename(input).replace(/\.json$/i, '');
  return { json: path.join(dir, `${stem}.normalized.json`), md: path.join(dir, `${stem}.md`) };
}

/** Runs render-report; returns the verdict's exit code (0 pass/warn, 1 fail or warn with --fail-on warn). */
export async function run(opts: RenderReportOptions, ctx: RunContext): Promise<number> {
  const abs = (p: string | undefined) => (p === undefined ? undefined : path.resolve(ctx.cwd, p));
  const input = path.resolve(ctx.cwd, opts.input);
  const defaults = defaultOutputs(input);
  const jsonOut = abs(opts.jsonOut) ?? defaults.json;
  const mdOut = abs(opts.mdOut) ?? defaults.md;
  const junitOut = abs(opts.junitOut);
  const allowlistFile = opts.allowlist;

  const report = assertValidReport(await readJsonFile(input, '--input'), input);
  // The report records the allowlist path as given (relative stays relative: reports move between machines).
  const allowlist = allowlistFile === undefined ? null : { ...(await loadAllowlist(abs(allowlistFile) as string, '--allowlist')), file: allowlistFile };
  const result = await renderPipeline(report, {
    jsonOut,
    mdOut,
    junitOut,
    commentOut: abs(opts.commentOut),
    templateDir: abs(opts.template),
    allowlist,
    blockingSeverity: opts.blockingSeverity,
    failOn: opts.failOn,
    stepSummary: ctx.env.GITHUB_STEP_SUMMARY || undefined,
    inputs: [
      ['--input', input],
      ['--allowlist', abs(allowlistFile)],
    ],
  });
  printWarnings(result.warnings);

  const { verdict, paths } = result;
  const out = {
    verdict: verdict.status,
    exitCode: result.exitCode,
    blockingSeverity: verdict.blockingSeverity,
    reasons: verdict.reasons,
    paths,
    ...(allowlist ? { allowlist: result.report.metadata?.allowlist } : {}),
  };
  printResult(ctx, out, () => verdictLines(verdict.status, result.exitCode, verdict.reasons, paths));
  return result.exitCode;
}
