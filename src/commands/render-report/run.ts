/** `hunt render-report`: read and validate --input, then the shared render pipeline. */
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { readJsonFile } from '../../runtime/fs.js';
import type { Severity } from '../../core/report-types.js';
import { loadAllowlist } from '../../report/allowlist-file.js';
import { renderPipeline } from '../../report/pipeline.js';
import { sanitize, truncate } from '../../report/escape.js';
import { assertValidReport } from '../../report/validate.js';
import type { RunContext } from '../types.js';

/** Default output paths next to the input: report.json -> report.normalized.json + report.md. */
export function defaultOutputs(input: string): { json: string; md: string } {
  const dir = path.dirname(input);
  const stem = path.basename(input).replace(/\.json$/i, '');
  return { json: path.join(dir, `${stem}.normalized.json`), md: path.join(dir, `${stem}.md`) };
}

function stringOpt(opts: Record<string, unknown>, key: string): string | undefined {
  const v = opts[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs a non-empty value`);
  return v;
}

/** Runs render-report; returns the verdict's exit code (0 pass/warn, 1 fail or warn with --fail-on warn). */
export async function run(opts: Record<string, unknown>, ctx: RunContext): Promise<number> {
  const abs = (p: string | undefined) => (p === undefined ? undefined : path.resolve(ctx.cwd, p));
  const input = abs(stringOpt(opts, 'input')) as string;
  const defaults = defaultOutputs(input);
  const jsonOut = abs(stringOpt(opts, 'jsonOut')) ?? defaults.json;
  const mdOut = abs(stringOpt(opts, 'mdOut')) ?? defaults.md;
  const junitOut = abs(stringOpt(opts, 'junitOut'));
  const allowlistFile = stringOpt(opts, 'allowlist');

  const report = assertValidReport(await readJsonFile(input, '--input'), input);
  // The report records the allowlist path as given (relative stays relative: reports move between machines).
  const allowlist = allowlistFile === undefined ? null : { ...(await loadAllowlist(abs(allowlistFile) as string, '--allowlist')), file: allowlistFile };
  const result = await renderPipeline(report, {
    jsonOut,
    mdOut,
    junitOut,
    templateDir: abs(stringOpt(opts, 'template')),
    allowlist,
    blockingSeverity: opts.blockingSeverity as Severity | undefined,
    failOn: (opts.failOn as 'fail' | 'warn' | undefined) ?? 'fail',
    stepSummary: ctx.env.GITHUB_STEP_SUMMARY || undefined,
    inputs: [
      ['--input', input],
      ['--allowlist', abs(allowlistFile)],
    ],
  });
  for (const w of result.warnings) process.stderr.write(`hunt: warning: ${w}\n`);

  const { verdict, paths } = result;
  if (ctx.json) {
    const allowlistStatus = result.report.metadata?.allowlist;
    const out = {
      verdict: verdict.status,
      exitCode: result.exitCode,
      blockingSeverity: verdict.blockingSeverity,
      reasons: verdict.reasons,
      paths,
      ...(allowlist ? { allowlist: allowlistStatus } : {}),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    const lines = [`verdict: ${verdict.status} (exit ${result.exitCode})`];
    // Report strings are untrusted: no control characters (terminal escapes) reach the terminal.
    for (const r of verdict.reasons) lines.push(`  ${truncate(sanitize(`${r.rule} ${r.id}: ${r.detail}`).replace(/\s+/g, ' ').trim(), 240)}`);
    lines.push(`json: ${paths.json}`, `markdown: ${paths.md}`);
    if (paths.junit) lines.push(`junit: ${paths.junit}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return result.exitCode;
}
